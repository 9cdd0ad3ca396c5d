// mkaout: turns a static ELF linked by guest/guest.ld into a Plan 9 amd64 a.out, for p9run's
// hand-made test programs. Only what those programs need: one executable PT_LOAD starting at
// 0x200028 (text) and one writable PT_LOAD at the next 2 MiB boundary (data, then bss). The
// header is eight big-endian u32 (magic 0x8A97, text, data, bss, syms, entry, spsz, pcsz) and
// the big-endian u64 entry (sys/include/a.out.h, HDR_MAGIC).
//
//   mkaout in.elf out
#include <elf.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

int fail(const std::string& why) {
  std::fprintf(stderr, "mkaout: %s\n", why.c_str());
  return 1;
}

void put_be(std::vector<uint8_t>& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return fail("usage: mkaout in.elf out");
  std::ifstream in(argv[1], std::ios::binary);
  const std::vector<uint8_t> elf{std::istreambuf_iterator<char>(in), {}};
  Elf64_Ehdr eh;
  if (elf.size() < sizeof eh) return fail("not an ELF file");
  std::memcpy(&eh, elf.data(), sizeof eh);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_machine != EM_X86_64)
    return fail("not an x86-64 ELF file");

  const Elf64_Phdr* text = nullptr;
  const Elf64_Phdr* data = nullptr;
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  for (size_t i = 0; i < ph.size(); ++i) {
    if (eh.e_phoff + (i + 1) * sizeof(Elf64_Phdr) > elf.size()) return fail("bad program headers");
    std::memcpy(&ph[i], elf.data() + eh.e_phoff + i * sizeof(Elf64_Phdr), sizeof(Elf64_Phdr));
  }
  for (const auto& p : ph) {
    if (p.p_type != PT_LOAD) continue;
    if ((p.p_flags & PF_X) && text == nullptr)
      text = &p;
    else if ((p.p_flags & PF_W) && data == nullptr)
      data = &p;
  }
  constexpr uint64_t kText = 0x200028;
  if (text == nullptr || text->p_vaddr != kText) return fail("no text segment at 0x200028");
  const uint64_t text_size = text->p_filesz;
  const uint64_t data_base = (kText + text_size + 0x1fffff) & ~uint64_t{0x1fffff};
  uint64_t data_size = 0, bss_size = 0;
  if (data != nullptr) {
    if (data->p_vaddr != data_base)
      return fail("data segment not at the 2 MiB boundary after text");
    data_size = data->p_filesz;
    bss_size = data->p_memsz - data->p_filesz;
  }
  if (text->p_offset + text_size > elf.size() ||
      (data != nullptr && data->p_offset + data_size > elf.size()))
    return fail("segment outside the file");

  std::vector<uint8_t> out;
  put_be(out, 0x8A97, 4);
  put_be(out, text_size, 4);
  put_be(out, data_size, 4);
  put_be(out, bss_size, 4);
  put_be(out, 0, 4);  // syms
  put_be(out, eh.e_entry & ~uint64_t{0x80000000}, 4);
  put_be(out, 0, 4);  // spsz
  put_be(out, 0, 4);  // pcsz
  put_be(out, eh.e_entry, 8);
  out.insert(out.end(), elf.begin() + static_cast<long>(text->p_offset),
             elf.begin() + static_cast<long>(text->p_offset + text_size));
  if (data != nullptr)
    out.insert(out.end(), elf.begin() + static_cast<long>(data->p_offset),
               elf.begin() + static_cast<long>(data->p_offset + data_size));
  std::ofstream o(argv[2], std::ios::binary | std::ios::trunc);
  o.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
  return o ? 0 : fail(std::string("cannot write ") + argv[2]);
}
