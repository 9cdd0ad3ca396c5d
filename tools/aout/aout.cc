// The Plan 9 amd64 a.out header and the ELF-to-a.out rewrite (see aout.h for the sources of the
// format). ELF field offsets are from the System V gABI (Elf64_Ehdr, Elf64_Shdr).
#include "aout.h"

#include <algorithm>
#include <cstring>

namespace aout {
namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
std::uint64_t be64(const std::uint8_t* p) {
  return std::uint64_t{be32(p)} << 32 | be32(p + 4);
}
void put_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}
void put_be64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  put_be32(out, static_cast<std::uint32_t>(v >> 32));
  put_be32(out, static_cast<std::uint32_t>(v));
}
template <typename T>
T le(std::span<const std::uint8_t> b, std::size_t off) {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); i++) v |= static_cast<T>(T{b[off + i]} << (8 * i));
  return v;
}
std::uint64_t round_up(std::uint64_t v, std::uint64_t align) {
  return (v + align - 1) & ~(align - 1);
}
std::string hex(std::uint64_t v) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), digits[v & 15]);
    v >>= 4;
  } while (v != 0);
  return "0x" + s;
}
bool fail(std::string* error, const std::string& why) {
  if (error != nullptr) *error = why;
  return false;
}

// ELF constants (gABI).
constexpr std::uint16_t kEtExec = 2;
constexpr std::uint16_t kEmX8664 = 62;
constexpr std::uint32_t kShtNobits = 8;
constexpr std::uint32_t kShtDynamic = 6;
constexpr std::uint64_t kShfWrite = 0x1;
constexpr std::uint64_t kShfAlloc = 0x2;
constexpr std::uint64_t kShfTls = 0x400;

}  // namespace

std::optional<Header> parse_header(std::span<const std::uint8_t> file, std::string* error) {
  if (file.size() < kHeaderSize) {
    fail(error, "shorter than the 40-byte header");
    return std::nullopt;
  }
  Header h;
  h.magic = be32(&file[0]);
  h.text = be32(&file[4]);
  h.data = be32(&file[8]);
  h.bss = be32(&file[12]);
  h.syms = be32(&file[16]);
  h.entry32 = be32(&file[20]);
  h.spsz = be32(&file[24]);
  h.pcsz = be32(&file[28]);
  h.entry = be64(&file[32]);
  if (h.magic != kMagicAmd64) {
    fail(error, "magic " + hex(h.magic) + " is not the amd64 a.out magic " + hex(kMagicAmd64));
    return std::nullopt;
  }
  const Layout l = layout(h);
  // sysexec: entry must lie in [UTZERO+40, UTZERO+40+text).
  if (h.entry < l.text_begin || h.entry >= l.text_end) {
    fail(error, "entry " + hex(h.entry) + " is outside the text [" + hex(l.text_begin) + ", " +
                    hex(l.text_end) + ")");
    return std::nullopt;
  }
  if (l.end >= kStackTop) {
    fail(error, "segments reach the stack");
    return std::nullopt;
  }
  const std::uint64_t need =
      kHeaderSize + std::uint64_t{h.text} + h.data + h.syms + h.spsz + h.pcsz;
  if (file.size() < need) {
    fail(error, "file has " + std::to_string(file.size()) + " bytes, the header promises " +
                    std::to_string(need));
    return std::nullopt;
  }
  return h;
}

Layout layout(const Header& h) {
  Layout l;
  l.text_begin = kTextStart;
  l.text_end = kTextStart + h.text;
  l.data_begin = round_up(l.text_end, kSegmentAlign);
  l.bss_begin = l.data_begin + h.data;
  l.end = l.bss_begin + h.bss;
  return l;
}

std::vector<std::uint8_t> encode_header(const Header& h) {
  std::vector<std::uint8_t> out;
  for (std::uint32_t v : {h.magic, h.text, h.data, h.bss, h.syms, h.entry32, h.spsz, h.pcsz})
    put_be32(out, v);
  put_be64(out, h.entry);
  return out;
}

std::vector<Symbol> symbols(std::span<const std::uint8_t> file, const Header& h) {
  // Each entry: value (8 bytes big-endian with HDR_MAGIC), type | 0x80, NUL-terminated name.
  std::vector<Symbol> out;
  std::size_t at = kHeaderSize + std::size_t{h.text} + h.data;
  const std::size_t stop = std::min(file.size(), at + h.syms);
  while (at + 9 < stop) {
    Symbol s;
    s.value = be64(&file[at]);
    s.type = static_cast<char>(file[at + 8] & 0x7f);
    at += 9;
    while (at < stop && file[at] != 0) s.name.push_back(static_cast<char>(file[at++]));
    at++;  // the NUL
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<Elf> parse_elf(std::span<const std::uint8_t> file, std::string* error) {
  if (file.size() < 64 || std::memcmp(file.data(),
                                      "\x7f"
                                      "ELF",
                                      4) != 0) {
    fail(error, "not an ELF file");
    return std::nullopt;
  }
  if (file[4] != 2 || file[5] != 1) {
    fail(error, "not a little-endian 64-bit ELF file");
    return std::nullopt;
  }
  if (le<std::uint16_t>(file, 16) != kEtExec || le<std::uint16_t>(file, 18) != kEmX8664) {
    fail(error, "not an x86-64 executable (link with -static -no-pie)");
    return std::nullopt;
  }
  Elf elf;
  elf.entry = le<std::uint64_t>(file, 24);
  const auto shoff = le<std::uint64_t>(file, 40);
  const auto shentsize = le<std::uint16_t>(file, 58);
  const auto shnum = le<std::uint16_t>(file, 60);
  const auto shstrndx = le<std::uint16_t>(file, 62);
  if (shentsize < 64 || shoff + std::uint64_t{shnum} * shentsize > file.size() ||
      shstrndx >= shnum) {
    fail(error, "bad section header table");
    return std::nullopt;
  }
  const auto strtab = le<std::uint64_t>(file, shoff + std::size_t{shstrndx} * shentsize + 24);
  for (std::size_t i = 0; i < shnum; i++) {
    const std::size_t sh = shoff + i * shentsize;
    const auto type = le<std::uint32_t>(file, sh + 4);
    const auto flags = le<std::uint64_t>(file, sh + 8);
    Section s;
    for (std::size_t n = strtab + le<std::uint32_t>(file, sh); n < file.size() && file[n] != 0; n++)
      s.name.push_back(static_cast<char>(file[n]));
    s.addr = le<std::uint64_t>(file, sh + 16);
    s.offset = le<std::uint64_t>(file, sh + 24);
    s.size = le<std::uint64_t>(file, sh + 32);
    s.writable = (flags & kShfWrite) != 0;
    s.nobits = type == kShtNobits;
    s.tls = (flags & kShfTls) != 0;
    if ((flags & kShfAlloc) == 0 || s.size == 0) continue;
    if (type == kShtDynamic) {
      fail(error, "dynamic section " + s.name + ": link with -static -no-pie");
      return std::nullopt;
    }
    if (!s.nobits && (s.size > file.size() || s.offset > file.size() - s.size)) {
      fail(error, "section " + s.name + " lies past the end of the file");
      return std::nullopt;
    }
    elf.sections.push_back(std::move(s));
  }
  std::sort(elf.sections.begin(), elf.sections.end(),
            [](const Section& a, const Section& b) { return a.addr < b.addr; });
  return elf;
}

std::optional<std::vector<std::uint8_t>> convert(std::span<const std::uint8_t> file,
                                                 std::string* error) {
  auto elf = parse_elf(file, error);
  if (!elf) return std::nullopt;
  // Text: every read-only section, from kTextStart up. Data: writable sections from the next
  // 2 MiB boundary; bss: what follows the last initialised writable byte.
  std::uint64_t text_end = kTextStart;
  for (const Section& s : elf->sections) {
    if (s.tls) {
      fail(error, "section " + s.name + " is thread-local; Plan 9 has no TLS segment");
      return std::nullopt;
    }
    if (s.addr < kTextStart) {
      fail(error, "section " + s.name + " at " + hex(s.addr) + " lies below " + hex(kTextStart) +
                      ": link with the Plan 9 linker script");
      return std::nullopt;
    }
    if (s.writable) continue;
    if (s.nobits) {
      fail(error, "read-only section " + s.name + " has no file contents");
      return std::nullopt;
    }
    text_end = std::max(text_end, s.addr + s.size);
  }
  const std::uint64_t data_begin = round_up(text_end, kSegmentAlign);
  std::uint64_t data_end = data_begin;
  std::uint64_t end = data_begin;
  for (const Section& s : elf->sections) {
    if (!s.writable) continue;
    if (s.addr < data_begin) {
      fail(error, "writable section " + s.name + " at " + hex(s.addr) +
                      " is not past the text; the data must start at " + hex(data_begin));
      return std::nullopt;
    }
    if (!s.nobits) data_end = std::max(data_end, s.addr + s.size);
    end = std::max(end, s.addr + s.size);
  }
  for (const Section& s : elf->sections) {
    if (!s.writable && s.addr < text_end && s.addr + s.size > text_end) {
      fail(error, "section " + s.name + " overlaps the data");
      return std::nullopt;
    }
  }
  if (elf->entry < kTextStart || elf->entry >= text_end) {
    fail(error, "entry " + hex(elf->entry) + " is not in the text");
    return std::nullopt;
  }
  if (end >= kStackTop || text_end - kTextStart > UINT32_MAX || end - data_begin > UINT32_MAX) {
    fail(error, "program too large");
    return std::nullopt;
  }

  Header h;
  h.text = static_cast<std::uint32_t>(text_end - kTextStart);
  h.data = static_cast<std::uint32_t>(data_end - data_begin);
  h.bss = static_cast<std::uint32_t>(end - data_end);
  h.entry = elf->entry;
  h.entry32 = static_cast<std::uint32_t>(elf->entry & ~std::uint64_t{0x80000000});
  std::vector<std::uint8_t> out = encode_header(h);
  out.resize(kHeaderSize + std::size_t{h.text} + h.data, 0);  // gaps (alignment) stay zero
  for (const Section& s : elf->sections) {
    if (s.nobits) continue;
    const std::uint64_t at = s.writable ? kHeaderSize + h.text + (s.addr - data_begin)
                                        : kHeaderSize + (s.addr - kTextStart);
    std::copy_n(file.begin() + static_cast<std::ptrdiff_t>(s.offset), s.size,
                out.begin() + static_cast<std::ptrdiff_t>(at));
  }
  std::string why;
  if (!parse_header(out, &why)) {
    fail(error, "internal error, the a.out does not check: " + why);
    return std::nullopt;
  }
  return out;
}

}  // namespace aout
