// File system calls: open, create, close, dup, pipe, pread, pwrite, seek, fd2path, remove,
// chdir, stat, fstat, wstat, fwstat.
//
// A Plan 9 descriptor is the host descriptor of the same number (procs share or copy the table
// as rfork asks, through CLONE_FILES), so most calls are a name lookup (namespace.h) and the host
// call. What differs: Plan 9 pipes are bidirectional (a socket pair here); a read from a pipe or
// the terminal must stop with "interrupted" when a note arrives (9front port/proc.c sleep), so it
// waits with ppoll and the doorbell let in; writing on a closed pipe posts the note
// "sys: write on closed pipe" (port/devpipe.c); directory reads return stat entries (dir.h).
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "devfiles.h"
#include "dir.h"
#include "errors.h"
#include "guestmem.h"
#include "namespace.h"
#include "notes.h"
#include "plan9.h"
#include "proc.h"
#include "sud.h"
#include "syscalls.h"

namespace p9run {
namespace {

constexpr size_t kMaxPath = 4096;
constexpr int64_t kNoOffset = -1;

bool guest_fd(int fd) {
  return fd >= 0 && fd < kFirstHostFd;
}

// The name argument `i` of `c`, resolved. False (call failed) when it is unreadable or
// cannot exist.
bool name_arg(Call& c, int i, Resolved& r) {
  std::string name;
  if (!guest_string(c.u64(i), kMaxPath, name)) {
    bad_address(c, c.u64(i), 1);
    return false;
  }
  if (!resolve(name, r)) {
    c.ret = -1;
    return false;
  }
  return true;
}

// Keeps a new descriptor in the guest's range.
int64_t guest_result(int fd) {
  if (fd >= kFirstHostFd) {
    close(fd);
    set_error(err::kNofd);
    return -1;
  }
  return fd;
}

int host_flags(uint32_t mode) {
  int flags = O_NOCTTY;
  switch (mode & 3) {
    case kORead:
    case kOExec: flags |= O_RDONLY; break;
    case kOWrite: flags |= O_WRONLY; break;
    default: flags |= O_RDWR; break;
  }
  if (mode & kOTrunc) flags |= O_TRUNC;
  if (mode & kOCexec) flags |= O_CLOEXEC;
  return flags;
}

// 9front openmode: only the access mode and OTRUNC, OCEXEC, ORCLOSE are allowed.
bool mode_ok(uint32_t mode) {
  return (mode & ~(kOTrunc | kOCexec | kORclose)) <= kOExec;
}

// A walk that fails names the path up to the missing element, as 9front's namec does:
// "'/this' file does not exist" for /this/does/not/exist.
void fail_walk(Call& c, const Resolved& r) {
  if (errno != ENOENT) return c.fail_errno();
  for (size_t end = r.plan9.find('/', 1);; end = r.plan9.find('/', end + 1)) {
    const std::string prefix = r.plan9.substr(0, end);
    Resolved p;
    struct stat st {};
    if (resolve(prefix, p) && p.special == Special::kNone && stat(p.host.c_str(), &st) != 0) {
      set_error(fmt::format("'{}' {}", prefix, err::kNonexist));
      c.ret = -1;
      return;
    }
    if (end == std::string::npos) break;
  }
  c.fail(err::kNonexist);
}

void open_host(Call& c, const Resolved& r, uint32_t mode, int extra, uint32_t perm) {
  int fd = open(r.host.c_str(), host_flags(mode) | extra, perm);
  if (fd < 0) return fail_walk(c, r);
  // ORCLOSE: remove on close. Removing now gives the same end state.
  if (mode & kORclose) unlink(r.host.c_str());
  c.ret = guest_result(fd);
}

// Waits until `fd` is ready for `events`, letting notes in. False when a note interrupts.
bool wait_ready(int fd, short events) {
  sigset_t open_mask;
  sigprocmask(SIG_SETMASK, nullptr, &open_mask);
  sigdelset(&open_mask, kDoorbell);
  sigdelset(&open_mask, SIGALRM);
  for (;;) {
    if (note_interrupts()) {
      set_error(err::kIntr);
      return false;
    }
    pollfd p{fd, events, 0};
    const int r = ppoll(&p, 1, nullptr, &open_mask);
    if (r > 0 || (r < 0 && errno != EINTR)) return true;
  }
}

bool may_block(const struct stat& st) {
  return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode);
}

// The checks every read and write starts with: a guest descriptor, a buffer the guest may
// access that way, and the host file's kind in `st`. False with the error set.
bool io_start(Call& c, int fd, uint64_t buf, uint64_t n, Access access, struct stat& st) {
  if (!guest_fd(fd)) {
    c.fail(err::kBadfd);
    return false;
  }
  if (!guest_ok(buf, n, access)) {
    bad_address(c, buf, n);
    return false;
  }
  if (fstat(fd, &st) != 0) {
    c.fail(err::kBadfd);
    return false;
  }
  return true;
}

long do_read(Call& c, int fd, uint64_t buf, uint64_t n, int64_t off) {
  struct stat st {};
  if (!io_start(c, fd, buf, n, Access::kWrite, st)) return -1;
  auto* p = guest_ptr<uint8_t>(buf);
  long result = 0;
  if (S_ISDIR(st.st_mode)) return read_dir(fd, off, p, n);
  if (special_read(fd, st, p, n, result)) return result;
  if (may_block(st)) {
    for (;;) {
      if (!wait_ready(fd, POLLIN)) return -1;
      ssize_t r = S_ISSOCK(st.st_mode) ? recv(fd, p, n, MSG_DONTWAIT) : read(fd, p, n);
      if (r >= 0) return r;
      if (errno != EAGAIN && errno != EINTR) break;
    }
    set_errno_error();
    return -1;
  }
  ssize_t r = off == kNoOffset ? read(fd, p, n) : pread(fd, p, n, off);
  if (r < 0 && errno == ESPIPE) r = read(fd, p, n);
  if (r < 0) set_errno_error();
  return r;
}

long do_write(Call& c, int fd, uint64_t buf, uint64_t n, int64_t off) {
  struct stat st {};
  if (!io_start(c, fd, buf, n, Access::kRead, st)) return -1;
  const auto* p = guest_ptr<const uint8_t>(buf);
  long result = 0;
  if (S_ISDIR(st.st_mode)) {
    set_error(err::kIsdir);
    return -1;
  }
  if (special_write(fd, st, p, n, result)) return result;
  ssize_t r;
  if (S_ISSOCK(st.st_mode) || S_ISFIFO(st.st_mode)) {
    size_t done = 0;
    for (;;) {
      r = S_ISSOCK(st.st_mode) ? send(fd, p + done, n - done, MSG_DONTWAIT | MSG_NOSIGNAL)
                               : write(fd, p + done, n - done);
      if (r > 0) done += static_cast<size_t>(r);
      if (done == n) return static_cast<long>(n);
      if (r < 0 && errno != EAGAIN && errno != EINTR) break;
      if (!wait_ready(fd, POLLOUT)) return done > 0 ? static_cast<long>(done) : -1;
    }
  } else {
    r = off == kNoOffset ? write(fd, p, n) : pwrite(fd, p, n, off);
    if (r < 0 && errno == ESPIPE) r = write(fd, p, n);
    if (r >= 0) return r;
  }
  if (errno == EPIPE) post_note(up.slot, "sys: write on closed pipe", kNUser);
  set_errno_error();
  return -1;
}

// The last element of a Plan 9 name, as stat reports it.
std::string last_element(const std::string& name) {
  if (name == "/") return "/";
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

// The Plan 9 name of descriptor `fd`.
std::string fd_name(int fd) {
  std::string special = special_name(fd);
  if (!special.empty()) return special;
  char link[kMaxPath];
  const std::string self = fmt::format("/proc/self/fd/{}", fd);
  const ssize_t n = readlink(self.c_str(), link, sizeof link - 1);
  if (n <= 0) return "";
  // A terminal is the console (rc's Isatty looks for "/dev/cons"); pipes and sockets are pipes.
  if (isatty(fd)) return "/dev/cons";
  std::string host(link, static_cast<size_t>(n));
  if (host.empty() || host[0] != '/') return "#|/data";
  return plan9_name(host);
}

void put_stat(Call& c, const Dir& d, uint64_t buf, uint64_t n) {
  if (!guest_ok(buf, n, Access::kWrite)) return bad_address(c, buf, n);
  if (n < 2) return c.fail("i/o count too small");
  c.ret = static_cast<int64_t>(encode_dir(d, guest_ptr<uint8_t>(buf), n));
}

// Applies the fields of wstat entry `d` that are not "don't touch" to host file `host` / `fd`.
void apply_wstat(Call& c, const Dir& d, const std::string& host, int fd) {
  struct stat st {};
  if ((fd >= 0 ? fstat(fd, &st) : stat(host.c_str(), &st)) != 0) return c.fail_errno();
  if (d.length != ~uint64_t{0}) {
    const int r = fd >= 0 ? ftruncate(fd, static_cast<off_t>(d.length))
                          : truncate(host.c_str(), static_cast<off_t>(d.length));
    if (r != 0) return c.fail_errno();
  }
  if (d.mode != ~uint32_t{0}) {
    if (((d.mode & kDMDir) != 0) != S_ISDIR(st.st_mode)) return c.fail(err::kBadarg);
    const int r = fd >= 0 ? fchmod(fd, d.mode & 0777) : chmod(host.c_str(), d.mode & 0777);
    if (r != 0) return c.fail_errno();
  }
  if (d.mtime != ~uint32_t{0} || d.atime != ~uint32_t{0}) {
    timespec ts[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
    if (d.atime != ~uint32_t{0}) ts[0] = {static_cast<time_t>(d.atime), 0};
    if (d.mtime != ~uint32_t{0}) ts[1] = {static_cast<time_t>(d.mtime), 0};
    const int r = fd >= 0 ? futimens(fd, ts) : utimensat(AT_FDCWD, host.c_str(), ts, 0);
    if (r != 0) return c.fail_errno();
  }
  if (!d.name.empty()) {
    if (d.name.find('/') != std::string::npos) return c.fail(err::kBadarg);
    const size_t slash = host.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : host.substr(0, slash + 1);
    if (dir + d.name != host && rename(host.c_str(), (dir + d.name).c_str()) != 0)
      return c.fail_errno();
  }
  c.ret = 0;
}

std::string host_path_of(int fd) {
  char link[kMaxPath];
  const std::string self = fmt::format("/proc/self/fd/{}", fd);
  const ssize_t n = readlink(self.c_str(), link, sizeof link - 1);
  return n > 0 ? std::string(link, static_cast<size_t>(n)) : std::string();
}

}  // namespace

void sys_open(Call& c) {
  Resolved r;
  if (!name_arg(c, 0, r)) return;
  const uint32_t mode = c.u32(1);
  if (!mode_ok(mode)) return c.fail(err::kBadarg);
  if (r.special != Special::kNone) {
    c.ret = guest_result(open_special(r, mode));
    return;
  }
  open_host(c, r, mode, 0, 0);
}

void sys_create(Call& c) {
  Resolved r;
  if (!name_arg(c, 0, r)) return;
  const uint32_t mode = c.u32(1);
  const uint32_t perm = c.u32(2);
  if (!mode_ok(mode & ~kOExcl)) return c.fail(err::kBadarg);
  if (r.special != Special::kNone) {
    // Creating an existing file opens it, truncated (port/chan.c namec, Acreate).
    if (mode & kOExcl) return c.fail(err::kExist);
    c.ret = guest_result(open_special(r, mode & ~kOExcl));
    return;
  }
  if (perm & kDMDir) {
    if ((mode & 3) != kORead) return c.fail(err::kBadarg);
    if (mkdir(r.host.c_str(), perm & 0777) != 0 && (errno != EEXIST || (mode & kOExcl)))
      return c.fail_errno();
    return open_host(c, r, kORead | (mode & kOCexec), O_DIRECTORY, 0);
  }
  open_host(c, r, mode | kOTrunc, O_CREAT | ((mode & kOExcl) ? O_EXCL : 0), perm & 0777);
}

void sys_close(Call& c) {
  const int fd = c.i32(0);
  if (!guest_fd(fd) || close(fd) != 0) return c.fail(err::kBadfd);
  c.ret = 0;
}

void sys_dup(Call& c) {
  const int from = c.i32(0);
  const int to = c.i32(1);
  if (!guest_fd(from) || fcntl(from, F_GETFD) < 0) return c.fail(err::kBadfd);
  if (to == -1) {
    const int fd = fcntl(from, F_DUPFD, 0);
    if (fd < 0) return c.fail_errno();
    c.ret = guest_result(fd);
    return;
  }
  if (!guest_fd(to)) return c.fail(err::kBadfd);
  if (dup2(from, to) < 0) return c.fail_errno();
  c.ret = to;
}

void sys_pipe(Call& c) {
  const uint64_t p = c.u64(0);
  if (!guest_ok(p, 8, Access::kWrite)) return bad_address(c, p, 8);
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return c.fail_errno();
  if (fds[0] >= kFirstHostFd || fds[1] >= kFirstHostFd) {
    close(fds[0]);
    close(fds[1]);
    return c.fail(err::kNofd);
  }
  guest_ptr<int32_t>(p)[0] = fds[0];
  guest_ptr<int32_t>(p)[1] = fds[1];
  c.ret = 0;
}

void sys_pread(Call& c) {
  const int32_t n = c.i32(2);
  if (n < 0) return c.fail(err::kBadarg);
  c.ret = do_read(c, c.i32(0), c.u64(1), static_cast<uint64_t>(n), c.i64(3));
}

void sys_pwrite(Call& c) {
  const int32_t n = c.i32(2);
  if (n < 0) return c.fail(err::kBadarg);
  c.ret = do_write(c, c.i32(0), c.u64(1), static_cast<uint64_t>(n), c.i64(3));
}

void sys_read_old(Call& c) {
  const int32_t n = c.i32(2);
  if (n < 0) return c.fail(err::kBadarg);
  c.ret = do_read(c, c.i32(0), c.u64(1), static_cast<uint64_t>(n), kNoOffset);
}

void sys_write_old(Call& c) {
  const int32_t n = c.i32(2);
  if (n < 0) return c.fail(err::kBadarg);
  c.ret = do_write(c, c.i32(0), c.u64(1), static_cast<uint64_t>(n), kNoOffset);
}

namespace {

int64_t do_seek(Call& c, int fd, int64_t off, int type) {
  if (!guest_fd(fd)) {
    c.fail(err::kBadfd);
    return -1;
  }
  if (type < 0 || type > 2) {
    c.fail(err::kBadarg);
    return -1;
  }
  const off_t r = lseek(fd, off, type == 0 ? SEEK_SET : type == 1 ? SEEK_CUR : SEEK_END);
  if (r < 0) {
    c.fail(errno == EINVAL ? err::kNegoff : plan9_error(errno));
    return -1;
  }
  // Linux character devices such as /dev/zero answer every seek with 0; a Plan 9 channel keeps
  // the offset it was given (port/sysfile.c sseek), so report that.
  struct stat st;
  if (r == 0 && type == 0 && off > 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode)) return off;
  return r;
}

}  // namespace

void sys_seek(Call& c) {
  // 9front sysseek: seek(vlong *ret, int fd, vlong off, int type); the result goes in *ret.
  const uint64_t retp = c.u64(0);
  if (!guest_ok(retp, 8, Access::kWrite)) return bad_address(c, retp, 8);
  const int64_t r = do_seek(c, c.i32(1), c.i64(2), c.i32(3));
  *guest_ptr<int64_t>(retp) = r;
  if (r >= 0) c.ret = 0;
}

void sys_oseek(Call& c) {
  const int64_t r = do_seek(c, c.i32(0), c.i32(1), c.i32(2));
  if (r >= 0) c.ret = r;
}

void sys_fd2path(Call& c) {
  const int fd = c.i32(0);
  const uint64_t buf = c.u64(1);
  const uint32_t n = c.u32(2);
  if (!guest_ok(buf, n, Access::kWrite)) return bad_address(c, buf, n);
  if (!guest_fd(fd) || fcntl(fd, F_GETFD) < 0) return c.fail(err::kBadfd);
  const std::string name = fd_name(fd);
  if (n > 0) {
    const size_t k = std::min<size_t>(name.size(), n - 1);
    std::memcpy(guest_ptr<char>(buf), name.data(), k);
    guest_ptr<char>(buf)[k] = 0;
  }
  c.ret = 0;
}

void sys_remove(Call& c) {
  Resolved r;
  if (!name_arg(c, 0, r)) return;
  if (r.special != Special::kNone) return c.fail(err::kPerm);
  if (unlink(r.host.c_str()) != 0) {
    if (errno != EISDIR && errno != EPERM) return c.fail_errno();
    if (rmdir(r.host.c_str()) != 0) return c.fail_errno();
  }
  c.ret = 0;
}

void sys_chdir(Call& c) {
  Resolved r;
  if (!name_arg(c, 0, r)) return;
  if (r.special != Special::kNone) return c.fail(err::kNotdir);
  if (chdir(r.host.c_str()) != 0) return c.fail_errno();
  c.ret = 0;
}

void sys_stat(Call& c) {
  Resolved r;
  if (!name_arg(c, 0, r)) return;
  if (r.special != Special::kNone && r.special != Special::kProcText) {
    if (r.special == Special::kFd) {
      struct stat st {};
      if (!guest_fd(r.fd) || fstat(r.fd, &st) != 0) return c.fail(err::kNonexist);
      return put_stat(c, dir_from_stat(st, last_element(r.plan9)), c.u64(1), c.u32(2));
    }
    return put_stat(c, special_dir(r), c.u64(1), c.u32(2));
  }
  if (r.special == Special::kProcText) {
    const int slot = slot_find(r.pid);
    r.host = slot < 0 ? "" : g_session->slot[slot].aout;
  }
  struct stat st {};
  if (stat(r.host.c_str(), &st) != 0) return fail_walk(c, r);
  put_stat(c, dir_from_stat(st, last_element(r.plan9)), c.u64(1), c.u32(2));
}

void sys_fstat(Call& c) {
  const int fd = c.i32(0);
  struct stat st {};
  if (!guest_fd(fd) || fstat(fd, &st) != 0) return c.fail(err::kBadfd);
  const std::string name = fd_name(fd);
  Dir d = dir_from_stat(st, last_element(name));
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) d.length = 0;
  put_stat(c, d, c.u64(1), c.u32(2));
}

void sys_wstat(Call& c) {
  Resolved r;
  if (!name_arg(c, 0, r)) return;
  const uint64_t buf = c.u64(1);
  const uint32_t n = c.u32(2);
  if (!guest_ok(buf, n, Access::kRead)) return bad_address(c, buf, n);
  Dir d;
  if (!decode_dir(guest_ptr<const uint8_t>(buf), n, d)) return c.fail("malformed stat buffer");
  if (r.special != Special::kNone) return c.fail(err::kPerm);
  apply_wstat(c, d, r.host, -1);
}

void sys_fwstat(Call& c) {
  const int fd = c.i32(0);
  const uint64_t buf = c.u64(1);
  const uint32_t n = c.u32(2);
  if (!guest_ok(buf, n, Access::kRead)) return bad_address(c, buf, n);
  if (!guest_fd(fd) || fcntl(fd, F_GETFD) < 0) return c.fail(err::kBadfd);
  Dir d;
  if (!decode_dir(guest_ptr<const uint8_t>(buf), n, d)) return c.fail("malformed stat buffer");
  apply_wstat(c, d, host_path_of(fd), fd);
}

}  // namespace p9run
