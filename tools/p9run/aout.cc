// Plan 9 a.out header checks (see aout.h for the rules and their source).
#include "aout.h"

#include <fmt/format.h>

#include "plan9.h"

namespace p9run {
namespace {

uint32_t be32(std::span<const uint8_t> b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) |
         uint32_t{b[at + 3]};
}

uint64_t round_up(uint64_t v, uint64_t a) {
  return (v + a - 1) & ~(a - 1);
}

}  // namespace

uint64_t AoutHeader::text_end() const {
  return kUTZero + kExecHeaderSize + text;
}
uint64_t AoutHeader::data_base() const {
  return round_up(text_end(), kSegAlign);
}
uint64_t AoutHeader::bss_end() const {
  return data_base() + data + bss;
}

bool parse_aout(std::span<const uint8_t> bytes, uint64_t file_size, AoutHeader& out,
                std::string& why) {
  if (bytes.size() >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' &&
      bytes[3] == 'F') {
    why = "not a Plan 9 amd64 a.out (it is an ELF file)";
    return false;
  }
  if (bytes.size() >= 2 && bytes[0] == '#' && bytes[1] == '!') {
    why = "not a Plan 9 amd64 a.out (it is a script)";
    return false;
  }
  if (bytes.size() < 4) {
    why = fmt::format("not a Plan 9 amd64 a.out (only {} bytes)", bytes.size());
    return false;
  }
  out.magic = be32(bytes, 0);
  if (out.magic != kSMagic) {
    why = fmt::format("not a Plan 9 amd64 a.out (magic {:#x}, want {:#x})", out.magic, kSMagic);
    return false;
  }
  if (bytes.size() < kExecHeaderSize) {
    why = fmt::format("truncated a.out header ({} of {} bytes)", bytes.size(), kExecHeaderSize);
    return false;
  }
  out.text = be32(bytes, 4);
  out.data = be32(bytes, 8);
  out.bss = be32(bytes, 12);
  out.syms = be32(bytes, 16);
  out.spsz = be32(bytes, 24);
  out.pcsz = be32(bytes, 28);
  out.entry = (uint64_t{be32(bytes, 32)} << 32) | be32(bytes, 36);
  const uint64_t text_start = kUTZero + kExecHeaderSize;
  if (out.entry < text_start || out.entry >= out.text_end()) {
    why = fmt::format("bad a.out: entry {:#x} outside text [{:#x}, {:#x})", out.entry, text_start,
                      out.text_end());
    return false;
  }
  const uint64_t limit = kUStkTop - kUStkSize;
  if (out.text_end() >= limit || round_up(out.bss_end(), kPageSize) >= limit) {
    why = "bad a.out: segments reach the stack";
    return false;
  }
  const uint64_t need = kExecHeaderSize + uint64_t{out.text} + out.data;
  if (file_size < need) {
    why = fmt::format("truncated a.out: {} bytes, header says {}", file_size, need);
    return false;
  }
  return true;
}

}  // namespace p9run
