// plan9-aout: rewrites a statically linked x86-64 ELF executable into a Plan 9 amd64 a.out, or
// prints an a.out's header. The Plan 9 build runs it after linking each program (cmake/plan9).
//
//   plan9-aout ELF AOUT     convert
//   plan9-aout -h AOUT      print the header and where the kernel maps text, data and bss
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "aout.h"

namespace {

bool read_file(const char* path, std::vector<std::uint8_t>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

int usage() {
  std::fprintf(stderr, "usage: plan9-aout ELF AOUT\n       plan9-aout -h AOUT\n");
  return 2;
}

int print_header(const char* path) {
  std::vector<std::uint8_t> file;
  if (!read_file(path, &file)) {
    std::fprintf(stderr, "plan9-aout: cannot read %s\n", path);
    return 1;
  }
  std::string error;
  const auto h = aout::parse_header(file, &error);
  if (!h) {
    std::fprintf(stderr, "plan9-aout: %s: %s\n", path, error.c_str());
    return 1;
  }
  const aout::Layout l = aout::layout(*h);
  std::printf("magic %#x\ntext %#x\ndata %#x\nbss %#x\nsyms %#x\nentry %#llx (32-bit field %#x)\n",
              h->magic, h->text, h->data, h->bss, h->syms,
              static_cast<unsigned long long>(h->entry), h->entry32);
  std::printf("text at %#llx-%#llx, data at %#llx, bss at %#llx, end %#llx\n",
              static_cast<unsigned long long>(l.text_begin),
              static_cast<unsigned long long>(l.text_end),
              static_cast<unsigned long long>(l.data_begin),
              static_cast<unsigned long long>(l.bss_begin), static_cast<unsigned long long>(l.end));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return usage();
  const std::string first = argv[1];
  if (first == "-h") return print_header(argv[2]);
  if (!first.empty() && first[0] == '-') return usage();

  std::vector<std::uint8_t> elf;
  if (!read_file(argv[1], &elf)) {
    std::fprintf(stderr, "plan9-aout: cannot read %s\n", argv[1]);
    return 1;
  }
  std::string error;
  const auto out = aout::convert(elf, &error);
  if (!out) {
    std::fprintf(stderr, "plan9-aout: %s: %s\n", argv[1], error.c_str());
    return 1;
  }
  const std::string tmp = std::string(argv[2]) + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(out->data()), static_cast<std::streamsize>(out->size()));
    if (!f.flush()) {
      std::fprintf(stderr, "plan9-aout: cannot write %s\n", tmp.c_str());
      std::remove(tmp.c_str());
      return 1;
    }
  }
  if (::chmod(tmp.c_str(), 0755) != 0 || std::rename(tmp.c_str(), argv[2]) != 0) {
    std::fprintf(stderr, "plan9-aout: cannot create %s\n", argv[2]);
    std::remove(tmp.c_str());
    return 1;
  }
  return 0;
}
