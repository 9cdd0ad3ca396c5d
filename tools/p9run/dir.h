// Plan 9 directory entries (stat(5)) for host files.
//
// stat, fstat and directory reads return machine-independent entries: size[2] type[2] dev[4]
// qid[13] mode[4] atime[4] mtime[4] length[8] name[s] uid[s] gid[s] muid[s], little-endian,
// strings with a 2-byte length (STATFIXLEN 49 bytes without the strings). When a buffer is too
// small for an entry, stat returns just the 2-byte size so the caller can retry (stat(2)).
// wstat takes the same format, with "don't touch" fields set to ~0 or "".
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace p9run {

struct Dir {
  uint16_t type = 0;
  uint32_t dev = 0;
  uint8_t qid_type = 0;
  uint32_t qid_vers = 0;
  uint64_t qid_path = 0;
  uint32_t mode = 0;
  uint32_t atime = 0;
  uint32_t mtime = 0;
  uint64_t length = 0;
  std::string name, uid, gid, muid;
};

// A Dir for a host file; `name` is the last element of its Plan 9 name.
Dir dir_from_stat(const struct stat& st, std::string name);

// The encoded size of `d`.
size_t dir_size(const Dir& d);

// Encodes `d` into buf[0..n). Returns the bytes written; when n is too small for the entry,
// writes only the size (if n >= 2) and returns 2; returns 0 when n < 2.
size_t encode_dir(const Dir& d, uint8_t* buf, size_t n);

// Decodes one entry; false when malformed.
bool decode_dir(const uint8_t* buf, size_t n, Dir& d);

// Reads directory entries from host directory descriptor `fd` into buf[0..n) as Plan 9
// entries, whole entries only, continuing where the last read stopped (offset 0 rewinds).
// Returns the bytes stored, or -1 with the error string set.
long read_dir(int fd, int64_t offset, uint8_t* buf, size_t n);

}  // namespace p9run
