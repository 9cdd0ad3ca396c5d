// Reading and checking a Plan 9 amd64 a.out header.
//
// Kept apart from the loader so that the checks can run in the supervisor before anything is
// mapped (a bad file then gives one clear line and exit status 2) and be unit-tested on bytes.
// The rules are those of 9front port/sysproc.c sysexec: big-endian fields, S_MAGIC with
// HDR_MAGIC, UTZERO+40 <= entry < UTZERO+40+text, and every segment below the stack.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace p9run {

struct AoutHeader {
  uint32_t magic = 0;
  uint32_t text = 0;  // code bytes, not counting the 40-byte header
  uint32_t data = 0;
  uint32_t bss = 0;
  uint32_t syms = 0;
  uint64_t entry = 0;  // the u64 that follows the classic header
  uint32_t spsz = 0;
  uint32_t pcsz = 0;

  // Where the segments go, as the kernel computes them.
  uint64_t text_end() const;   // UTZERO + 40 + text
  uint64_t data_base() const;  // text_end rounded up to 2 MiB
  uint64_t bss_end() const;    // data_base + data + bss
};

// Parses `bytes` (the start of a file of `file_size` bytes). On failure returns false and sets
// `why` to a short reason, e.g. "not a Plan 9 amd64 a.out (magic 0x7f454c46)".
bool parse_aout(std::span<const uint8_t> bytes, uint64_t file_size, AoutHeader& out,
                std::string& why);

}  // namespace p9run
