// Plan 9 directory entries (see dir.h).
#include "dir.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string_view>

#include "errors.h"
#include "plan9.h"
#include "proc.h"

namespace p9run {
namespace {

std::string user_name(uid_t uid) {
  static std::map<uid_t, std::string> cache;
  if (auto it = cache.find(uid); it != cache.end()) return it->second;
  const passwd* pw = getpwuid(uid);
  std::string name = pw != nullptr ? pw->pw_name : std::to_string(uid);
  cache[uid] = name;
  return name;
}

std::string group_name(gid_t gid) {
  static std::map<gid_t, std::string> cache;
  if (auto it = cache.find(gid); it != cache.end()) return it->second;
  const group* gr = getgrgid(gid);
  std::string name = gr != nullptr ? gr->gr_name : std::to_string(gid);
  cache[gid] = name;
  return name;
}

void put16(uint8_t*& p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p += 2;
}
void put32(uint8_t*& p, uint32_t v) {
  for (int i = 0; i < 4; ++i) *p++ = static_cast<uint8_t>(v >> (8 * i));
}
void put64(uint8_t*& p, uint64_t v) {
  for (int i = 0; i < 8; ++i) *p++ = static_cast<uint8_t>(v >> (8 * i));
}
void put_str(uint8_t*& p, const std::string& s) {
  put16(p, static_cast<uint32_t>(s.size()));
  std::memcpy(p, s.data(), s.size());
  p += s.size();
}

uint64_t get(const uint8_t*& p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t{p[i]} << (8 * i);
  p += bytes;
  return v;
}

bool gets(const uint8_t*& p, const uint8_t* end, std::string& s) {
  if (end - p < 2) return false;
  const size_t len = get(p, 2);
  if (static_cast<size_t>(end - p) < len) return false;
  s.assign(reinterpret_cast<const char*>(p), len);
  p += len;
  return true;
}

// Linux's struct linux_dirent64, which glibc does not declare.
struct Dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  uint16_t d_reclen;
  uint8_t d_type;
  char d_name[1];
};

}  // namespace

Dir dir_from_stat(const struct stat& st, std::string name) {
  Dir d;
  d.type = 'M';
  d.dev = static_cast<uint32_t>(st.st_dev);
  d.qid_path = st.st_ino;
  d.qid_vers = static_cast<uint32_t>(st.st_mtim.tv_sec ^ st.st_mtim.tv_nsec);
  d.mode = st.st_mode & 0777;
  if (S_ISDIR(st.st_mode)) {
    d.mode |= kDMDir;
    d.qid_type = kQTDir;
  } else {
    d.length = static_cast<uint64_t>(st.st_size);
  }
  d.atime = static_cast<uint32_t>(st.st_atim.tv_sec);
  d.mtime = static_cast<uint32_t>(st.st_mtim.tv_sec);
  d.name = std::move(name);
  d.uid = user_name(st.st_uid);
  d.gid = group_name(st.st_gid);
  d.muid = d.uid;
  return d;
}

size_t dir_size(const Dir& d) {
  return kStatFixLen + d.name.size() + d.uid.size() + d.gid.size() + d.muid.size();
}

size_t encode_dir(const Dir& d, uint8_t* buf, size_t n) {
  const size_t size = dir_size(d);
  if (n < 2) return 0;
  uint8_t* p = buf;
  put16(p, static_cast<uint32_t>(size - 2));
  if (n < size) return 2;
  put16(p, d.type);
  put32(p, d.dev);
  *p++ = d.qid_type;
  put32(p, d.qid_vers);
  put64(p, d.qid_path);
  put32(p, d.mode);
  put32(p, d.atime);
  put32(p, d.mtime);
  put64(p, d.length);
  put_str(p, d.name);
  put_str(p, d.uid);
  put_str(p, d.gid);
  put_str(p, d.muid);
  return size;
}

bool decode_dir(const uint8_t* buf, size_t n, Dir& d) {
  if (n < kStatFixLen) return false;
  const uint8_t* p = buf;
  const uint8_t* end = buf + n;
  const size_t size = get(p, 2) + 2;
  if (size > n) return false;
  end = buf + size;
  d.type = static_cast<uint16_t>(get(p, 2));
  d.dev = static_cast<uint32_t>(get(p, 4));
  d.qid_type = static_cast<uint8_t>(get(p, 1));
  d.qid_vers = static_cast<uint32_t>(get(p, 4));
  d.qid_path = get(p, 8);
  d.mode = static_cast<uint32_t>(get(p, 4));
  d.atime = static_cast<uint32_t>(get(p, 4));
  d.mtime = static_cast<uint32_t>(get(p, 4));
  d.length = get(p, 8);
  return gets(p, end, d.name) && gets(p, end, d.uid) && gets(p, end, d.gid) && gets(p, end, d.muid);
}

namespace {

// True when `fd` is a /proc/N/fd directory, which stands for Plan 9's #d (/fd).
bool is_fd_dir(int fd) {
  char link[64];
  const std::string self = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = readlink(self.c_str(), link, sizeof link - 1);
  if (n <= 0) return false;
  const std::string_view s(link, static_cast<size_t>(n));
  return s.starts_with("/proc/") && s.ends_with("/fd");
}

}  // namespace

long read_dir(int fd, int64_t offset, uint8_t* buf, size_t n) {
  if (offset == 0) lseek(fd, 0, SEEK_SET);
  const bool fd_dir = is_fd_dir(fd);
  alignas(8) char dents[4096];
  size_t used = 0;
  for (;;) {
    const off_t start = lseek(fd, 0, SEEK_CUR);
    const long got = syscall(SYS_getdents64, fd, dents, sizeof dents);
    if (got < 0) {
      set_errno_error();
      return -1;
    }
    if (got == 0) return static_cast<long>(used);
    long at = 0;
    off_t resume = start;
    while (at < got) {
      const auto* e = reinterpret_cast<const Dirent64*>(dents + at);
      at += e->d_reclen;
      const std::string name = e->d_name;
      if (name == "." || name == "..") {
        resume = e->d_off;
        continue;
      }
      Dir d;
      if (fd_dir) {
        // #d lists open descriptors, the guest's only.
        if (std::atoi(e->d_name) >= kFirstHostFd) {
          resume = e->d_off;
          continue;
        }
        d.type = 'd';
        d.name = name;
        d.mode = 0600;
        d.uid = d.gid = d.muid = user_name(getuid());
      } else {
        struct stat st {};
        if (fstatat(fd, e->d_name, &st, 0) != 0 &&
            fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
          resume = e->d_off;
          continue;
        }
        d = dir_from_stat(st, name);
      }
      if (dir_size(d) > n - used) {
        lseek(fd, resume, SEEK_SET);  // this entry comes first next time
        if (used == 0) {
          set_error("i/o count too small");
          return -1;
        }
        return static_cast<long>(used);
      }
      used += encode_dir(d, buf + used, n - used);
      resume = e->d_off;
    }
    lseek(fd, resume, SEEK_SET);
  }
}

}  // namespace p9run
