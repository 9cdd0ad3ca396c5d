// Plan 9 amd64 a.out files: reading and writing the header, and rewriting a statically linked
// x86-64 ELF executable into one. A host program: the Plan 9 build links programs as ELF with
// cmake/plan9/plan9-amd64.ld and converts them with this code, since no toolchain writes Plan 9
// objects.
//
// Facts (see docs plan9-abi.md): 9front sys/include/a.out.h (Exec, HDR_MAGIC, S_MAGIC);
// 9front sys/src/9/port/sysproc.c sysexec (entry and segment checks, 2 MiB data alignment for
// S_MAGIC); Go src/cmd/link writePlan9Header (the 32-bit entry field with bit 31 cleared).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace aout {

inline constexpr std::uint32_t kHdrMagic = 0x8000;    // a 64-bit entry follows the Exec header
inline constexpr std::uint32_t kMagicAmd64 = 0x8A97;  // S_MAGIC = HDR_MAGIC | _MAGIC(0, 26)
inline constexpr std::uint64_t kUtzero = 0x200000;    // where file offset 0 is mapped
inline constexpr std::uint64_t kHeaderSize = 40;      // 8 big-endian u32, then a big-endian u64
inline constexpr std::uint64_t kTextStart = kUtzero + kHeaderSize;  // 0x200028: the first code byte
inline constexpr std::uint64_t kSegmentAlign = 0x200000;    // data starts at end of text, rounded
inline constexpr std::uint64_t kStackTop = 0x7ffffffff000;  // USTKTOP; nothing may reach it

struct Header {
  std::uint32_t magic = kMagicAmd64;
  std::uint32_t text = 0;  // code bytes after the header
  std::uint32_t data = 0;  // initialised data bytes, at file offset 40 + text
  std::uint32_t bss = 0;
  std::uint32_t syms = 0;
  std::uint32_t entry32 = 0;  // entry with bit 31 cleared, as Go writes it
  std::uint32_t spsz = 0;
  std::uint32_t pcsz = 0;
  std::uint64_t entry = 0;  // the entry the kernel uses (HDR_MAGIC)
};

// Where the kernel maps each part, computed as sysexec does.
struct Layout {
  std::uint64_t text_begin = 0;  // kTextStart
  std::uint64_t text_end = 0;    // kTextStart + text
  std::uint64_t data_begin = 0;  // text_end rounded up to kSegmentAlign
  std::uint64_t bss_begin = 0;   // data_begin + data
  std::uint64_t end = 0;         // bss_begin + bss: the initial break
};

// Reads the header from the start of a file; nullopt (and *error) if it is not a Plan 9 amd64
// a.out that the kernel would run: wrong magic, entry outside the text, file too short.
std::optional<Header> parse_header(std::span<const std::uint8_t> file, std::string* error);

Layout layout(const Header& h);

// The 40 header bytes.
std::vector<std::uint8_t> encode_header(const Header& h);

// A Plan 9 symbol table entry (a.out(6), 64-bit values with HDR_MAGIC). Go writes one; ours
// have none.
struct Symbol {
  std::uint64_t value = 0;
  char type = 0;  // T text, L leaf text, D data, B bss, …
  std::string name;
};
std::vector<Symbol> symbols(std::span<const std::uint8_t> file, const Header& h);

// The allocated sections of an ELF64 x86-64 executable.
struct Section {
  std::string name;
  std::uint64_t addr = 0;
  std::uint64_t size = 0;
  std::uint64_t offset = 0;  // in the ELF file; unused for NOBITS
  bool writable = false;
  bool nobits = false;
  bool tls = false;
};
struct Elf {
  std::uint64_t entry = 0;
  std::vector<Section> sections;  // SHF_ALLOC, non-empty, sorted by address
};
std::optional<Elf> parse_elf(std::span<const std::uint8_t> file, std::string* error);

// The a.out for a statically linked ELF laid out by the Plan 9 linker script: read-only
// sections from 0x200028 form the text, writable ones from the next 2 MiB boundary the data and
// bss. nullopt (and *error) if the ELF does not fit that layout.
std::optional<std::vector<std::uint8_t>> convert(std::span<const std::uint8_t> elf,
                                                 std::string* error);

}  // namespace aout
