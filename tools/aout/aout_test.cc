// Checks the a.out reader and the converter against the rules the 9front kernel applies
// (port/sysproc.c sysexec) and against Go's linker, the reference Plan 9 amd64 writer.
//
//   aout_test go AOUT        AOUT from `GOOS=plan9 GOARCH=amd64 go build`: our reader finds its
//                            entry in the text and, through Go's symbol table, its data and bss
//                            where our layout rule (data at the text end rounded up to 2 MiB)
//                            puts them
//   aout_test ours ELF AOUT  AOUT made by plan9-aout from ELF: the header follows the same rules,
//                            and every section's bytes sit where the kernel will map them
//
// Prints a line per failed check and "N passed, N failed"; exits 1 if any failed.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "aout.h"

namespace {

int passed = 0;
int failed = 0;

void check(bool ok, const std::string& what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    std::printf("FAIL %s\n", what.c_str());
  }
}

std::vector<std::uint8_t> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::optional<aout::Symbol> find(const std::vector<aout::Symbol>& syms, const std::string& name) {
  for (const auto& s : syms)
    if (s.name == name) return s;
  return std::nullopt;
}

void check_header_rules(const aout::Header& h, const std::string& what) {
  check(h.magic == aout::kMagicAmd64, what + ": magic is 0x8A97");
  check((h.magic & aout::kHdrMagic) != 0, what + ": HDR_MAGIC (64-bit entry follows)");
  check(h.entry32 == static_cast<std::uint32_t>(h.entry & ~std::uint64_t{0x80000000}),
        what + ": 32-bit entry field is the entry with bit 31 cleared");
  const aout::Layout l = aout::layout(h);
  check(h.entry >= aout::kTextStart && h.entry < l.text_end, what + ": entry inside the text");
  check(l.data_begin % aout::kSegmentAlign == 0 && l.data_begin >= l.text_end &&
            l.data_begin - l.text_end < aout::kSegmentAlign,
        what + ": data at the end of the text rounded up to 2 MiB");
}

int check_go(const char* path) {
  const auto file = read_file(path);
  std::string error;
  const auto h = aout::parse_header(file, &error);
  check(h.has_value(), std::string("Go a.out parses: ") + error);
  if (!h) return 1;
  check_header_rules(*h, "Go a.out");
  const aout::Layout l = aout::layout(*h);
  std::printf("Go a.out: text %#x data %#x bss %#x syms %#x entry %#llx; data at %#llx\n", h->text,
              h->data, h->bss, h->syms, static_cast<unsigned long long>(h->entry),
              static_cast<unsigned long long>(l.data_begin));

  // Go's symbol table says where its linker put things; our layout must agree.
  const auto syms = aout::symbols(file, *h);
  check(syms.size() > 100, "Go a.out has a symbol table");
  const auto text = find(syms, "runtime.text");
  const auto etext = find(syms, "runtime.etext");
  const auto noptrdata = find(syms, "runtime.noptrdata");
  const auto bss = find(syms, "runtime.bss");
  const auto end = find(syms, "runtime.end");
  check(text && text->value >= l.text_begin && text->value < l.text_end, "runtime.text in text");
  check(etext && etext->value <= l.text_end, "runtime.etext within text");
  check(noptrdata && noptrdata->value >= l.data_begin && noptrdata->value < l.bss_begin,
        "runtime.noptrdata in the data our rule computes");
  check(bss && bss->value == l.bss_begin, "runtime.bss where our rule puts the bss");
  check(end && end->value == l.end, "runtime.end at our end of bss");
  bool text_ok = true, bss_ok = true;
  for (const auto& s : syms) {
    if (s.type == 'T' || s.type == 't' || s.type == 'L' || s.type == 'l')
      text_ok = text_ok && s.value >= l.text_begin && s.value <= l.text_end;
    if (s.type == 'B' || s.type == 'b')
      bss_ok = bss_ok && s.value >= l.bss_begin && s.value <= l.end;
  }
  check(text_ok, "every text symbol in our text range");
  check(bss_ok, "every bss symbol in our bss range");
  return 0;
}

int check_ours(const char* elf_path, const char* aout_path) {
  const auto elf_file = read_file(elf_path);
  const auto file = read_file(aout_path);
  std::string error;
  const auto elf = aout::parse_elf(elf_file, &error);
  check(elf.has_value(), std::string("ELF parses: ") + error);
  const auto h = aout::parse_header(file, &error);
  check(h.has_value(), std::string("a.out parses: ") + error);
  if (!elf || !h) return 1;
  check_header_rules(*h, "our a.out");
  const aout::Layout l = aout::layout(*h);
  check(h->entry == elf->entry, "entry is the ELF entry");
  check(file.size() == aout::kHeaderSize + h->text + h->data, "file is header, text and data");

  std::optional<std::uint64_t> first_writable;
  std::uint64_t writable_end = 0;
  for (const auto& s : elf->sections) {
    if (!s.writable) {
      const std::uint64_t at = aout::kHeaderSize + (s.addr - aout::kTextStart);
      check(s.addr >= l.text_begin && s.addr + s.size <= l.text_end, s.name + " in the text");
      check(at + s.size <= file.size() &&
                std::equal(elf_file.begin() + static_cast<std::ptrdiff_t>(s.offset),
                           elf_file.begin() + static_cast<std::ptrdiff_t>(s.offset + s.size),
                           file.begin() + static_cast<std::ptrdiff_t>(at)),
            s.name + " bytes at its text offset");
      continue;
    }
    if (!first_writable || s.addr < *first_writable) first_writable = s.addr;
    writable_end = std::max(writable_end, s.addr + s.size);
    if (s.nobits) {
      check(s.addr >= l.data_begin && s.addr + s.size <= l.end, s.name + " in data or bss");
      continue;
    }
    const std::uint64_t at = aout::kHeaderSize + h->text + (s.addr - l.data_begin);
    check(s.addr >= l.data_begin && s.addr + s.size <= l.bss_begin, s.name + " in the data");
    check(at + s.size <= file.size() &&
              std::equal(elf_file.begin() + static_cast<std::ptrdiff_t>(s.offset),
                         elf_file.begin() + static_cast<std::ptrdiff_t>(s.offset + s.size),
                         file.begin() + static_cast<std::ptrdiff_t>(at)),
          s.name + " bytes at its data offset");
  }
  check(first_writable && *first_writable == l.data_begin,
        "the linker script put the data where the kernel maps it");
  check(writable_end == l.end, "bss ends where the ELF's last section ends");
  std::printf("our a.out: text %#x data %#x bss %#x entry %#llx; data at %#llx\n", h->text, h->data,
              h->bss, static_cast<unsigned long long>(h->entry),
              static_cast<unsigned long long>(l.data_begin));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "go" && argc == 3) {
    check_go(argv[2]);
  } else if (mode == "ours" && argc == 4) {
    check_ours(argv[2], argv[3]);
  } else {
    std::fprintf(stderr, "usage: aout_test go AOUT | aout_test ours ELF AOUT\n");
    return 2;
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
