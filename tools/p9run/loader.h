// Loading a Plan 9 amd64 a.out into the current process, as 9front's sysexec does.
//
// Text (the header included) goes at UTZERO 0x200000, so code starts at 0x200028; data at the
// end of text rounded up to 2 MiB, with bss after it (port/sysproc.c sysexec, S_MAGIC
// alignment). Data+bss is a memfd mapped MAP_SHARED over a large reserved range: brk grows it
// with ftruncate and every RFMEM proc sees the growth (proc.h explains why procs are
// processes). The stack is USTKSIZE (16 MiB) below USTKTOP; its top holds the Tos, then the
// argument strings, the argv array and argc, and RAX holds the Tos address on entry.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "aout.h"

namespace p9run {

// Reads the whole a.out at `host_path` and checks its header. On failure `why` says why.
bool read_aout(const std::string& host_path, AoutHeader& h, std::vector<uint8_t>& file,
               std::string& why);

// Maps text, data+bss and the stack for `h` into this process and records them in `up`.
bool map_image(const AoutHeader& h, std::span<const uint8_t> file, std::string& why);

// Removes the current image's mappings (before exec maps a new one).
void unmap_image();

// Writes the Tos and the arguments at the top of the stack; returns the initial SP. The Tos
// address is left in up.tos.
uint64_t build_stack(const std::vector<std::string>& args);

// Moves host descriptor `fd` to kFirstHostFd or above, close-on-exec; returns the new number.
int move_to_host_fd(int fd);

}  // namespace p9run
