// Synthetic files: /dev/cons, /dev/pid, /dev/bintime, /proc/N/note, /proc/N/notepg, ...
//
// Every open file must be a real host descriptor, because procs share or copy descriptor tables
// exactly as Linux does (CLONE_FILES), and a proc may read a descriptor that another proc
// opened. So a synthetic file is a memfd whose name records what it is and its Plan 9 name
// ("p9run:note:1234:/proc/1234/note"), read back through /proc/self/fd when it is used:
//   - files whose content is fixed at open (/dev/pid, /dev/user, /dev/sysstat, ...) are sealed
//     memfds holding that content, so reads, seeks and fstat need nothing special;
//   - live files (/dev/bintime, /dev/time, /proc/N/note, notepg, ctl, noteid, /dev/consctl) are
//     empty memfds with mode 0, and pread/pwrite hand them to this file.
// /dev/cons is a duplicate of p9run's own standard input or output; /fd/N a duplicate of N.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "dir.h"
#include "namespace.h"

namespace p9run {

// Remembers p9run's standard input and output (for /dev/cons) and the memfd device number.
void devfiles_init(int stdin_fd, int stdout_fd);

// Opens synthetic file `r` with Plan 9 open mode `mode`. Returns a descriptor or -1 (error set).
int open_special(const Resolved& r, uint32_t mode);

// When `fd` (with fstat result `st`) is a live synthetic file, performs the read or write and
// returns true, with `result` the byte count or -1 (error set).
bool special_read(int fd, const struct stat& st, uint8_t* buf, size_t n, long& result);
bool special_write(int fd, const struct stat& st, const uint8_t* buf, size_t n, long& result);

// The Plan 9 name of synthetic descriptor `fd`, or "" when it is not one.
std::string special_name(int fd);

// The directory entry of synthetic file `r`.
Dir special_dir(const Resolved& r);

}  // namespace p9run
