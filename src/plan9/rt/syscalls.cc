// Typed wrappers over plan9_syscall (syscall.S), one per kernel call in plan9.h.
//
// Argument order and types follow the kernel's va_arg reads (9front sys/src/9/port/sysfile.c,
// sysproc.c): each argument is one 8-byte slot; the kernel reads `int`, `ulong` and `long` (32
// bits on Plan 9) from the low half. SEEK takes a pointer for the 64-bit result first (libc
// amd64/_seek.c); _NSEC returns the time in RAX on 64-bit kernels (sysproc.c sys_nsec).
#include "plan9.h"

namespace plan9 {
namespace {

long sys(Sys num, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0) {
  return plan9_syscall(num, a1, a2, a3, a4, a5);
}
long ptr(const void* p) {
  return reinterpret_cast<long>(p);
}

}  // namespace

int open(const char* name, int mode) {
  return static_cast<int>(sys(kSysOpen, ptr(name), mode));
}

int create(const char* name, int mode, std::uint32_t perm) {
  return static_cast<int>(sys(kSysCreate, ptr(name), mode, perm));
}

int close(int fd) {
  return static_cast<int>(sys(kSysClose, fd));
}

long pread(int fd, void* buf, long n, std::int64_t offset) {
  return sys(kSysPread, fd, ptr(buf), n, offset);
}

long pwrite(int fd, const void* buf, long n, std::int64_t offset) {
  return sys(kSysPwrite, fd, ptr(buf), n, offset);
}

std::int64_t seek(int fd, std::int64_t offset, int type) {
  std::int64_t result = -1;
  if (sys(kSysSeek, ptr(&result), fd, offset, type) < 0) return -1;
  return result;
}

int dup(int oldfd, int newfd) {
  return static_cast<int>(sys(kSysDup, oldfd, newfd));
}

int pipe(int fd[2]) {
  return static_cast<int>(sys(kSysPipe, ptr(fd)));
}

int remove(const char* name) {
  return static_cast<int>(sys(kSysRemove, ptr(name)));
}

int fd2path(int fd, char* buf, int n) {
  return static_cast<int>(sys(kSysFd2path, fd, ptr(buf), n));
}

int stat(const char* name, std::uint8_t* buf, int n) {
  return static_cast<int>(sys(kSysStat, ptr(name), ptr(buf), n));
}

int fstat(int fd, std::uint8_t* buf, int n) {
  return static_cast<int>(sys(kSysFstat, fd, ptr(buf), n));
}

int exec(const char* name, const char* const* argv) {
  return static_cast<int>(sys(kSysExec, ptr(name), ptr(argv)));
}

int rfork(int flags) {
  return static_cast<int>(sys(kSysRfork, flags));
}

int brk_(void* addr) {
  return static_cast<int>(sys(kSysBrk, ptr(addr)));
}

void* segattach(int attr, const char* cls, void* va, std::uint32_t len) {
  const long r = sys(kSysSegattach, attr, ptr(cls), ptr(va), len);
  return r == -1 ? nullptr : reinterpret_cast<void*>(r);
}

int sleep(long ms) {
  return static_cast<int>(sys(kSysSleep, ms));
}

long alarm(unsigned long ms) {
  return sys(kSysAlarm, static_cast<long>(ms));
}

int notify(NoteEntry entry) {
  return static_cast<int>(sys(kSysNotify, reinterpret_cast<long>(entry)));
}

int noted(int action) {
  return static_cast<int>(sys(kSysNoted, action));
}

int semacquire(std::int32_t* addr, int block) {
  return static_cast<int>(sys(kSysSemacquire, ptr(addr), block));
}

int tsemacquire(std::int32_t* addr, unsigned long ms) {
  return static_cast<int>(sys(kSysTsemacquire, ptr(addr), static_cast<long>(ms)));
}

long semrelease(std::int32_t* addr, long count) {
  // The kernel returns the new value as a 32-bit long in a 64-bit register.
  const long r = sys(kSysSemrelease, ptr(addr), count);
  return r == -1 ? -1 : static_cast<std::int32_t>(r);
}

int await(char* buf, int n) {
  return static_cast<int>(sys(kSysAwait, ptr(buf), n));
}

std::int64_t nsec() {
  return sys(kSysNsec);
}

void _exits(const char* msg) {
  sys(kSysExits, ptr(msg));
  __builtin_unreachable();
}

int errstr(char* buf, unsigned n) {
  return static_cast<int>(sys(kSysErrstr, ptr(buf), n));
}

void rerrstr(char* buf, unsigned n) {
  // errstr swaps: take the string out, then put it back (libc 9sys/rerrstr.c).
  char tmp[kErrMax];
  tmp[0] = 0;
  errstr(tmp, sizeof tmp);
  if (n > 0) {
    unsigned i = 0;
    for (; i + 1 < n && tmp[i] != 0; i++) buf[i] = tmp[i];
    buf[i] = 0;
  }
  errstr(tmp, sizeof tmp);
}

void werrstr(const char* msg) {
  char tmp[kErrMax];
  unsigned i = 0;
  for (; i + 1 < sizeof tmp && msg[i] != 0; i++) tmp[i] = msg[i];
  tmp[i] = 0;
  errstr(tmp, sizeof tmp);
}

}  // namespace plan9
