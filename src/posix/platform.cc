// Small backend services: the registry lock, time, yielding, errno texts.
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "common/backend.h"
#include "common/text.h"

namespace notes::detail {

namespace {
pthread_mutex_t registry_mutex = PTHREAD_MUTEX_INITIALIZER;
}

namespace backend {

void lock_registry() noexcept {
  pthread_mutex_lock(&registry_mutex);
}
void unlock_registry() noexcept {
  pthread_mutex_unlock(&registry_mutex);
}
void yield() noexcept {
  sched_yield();
}

int64_t monotonic_ns() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace backend

const char* errno_text(int err) noexcept {
  // strerror is not async-signal-safe; the texts a note path can meet are listed here.
  switch (err) {
    case EPERM: return "operation not permitted";
    case ENOENT: return "no such file or directory";
    case ESRCH: return "no such process";
    case EINTR: return "interrupted";
    case EIO: return "input/output error";
    case EBADF: return "bad file descriptor";
    case EAGAIN: return "resource temporarily unavailable";
    case ENOMEM: return "out of memory";
    case EACCES: return "permission denied";
    case EEXIST: return "file exists";
    case ENOTDIR: return "not a directory";
    case EINVAL: return "invalid argument";
    case ENFILE: return "too many open files in system";
    case EMFILE: return "too many open files";
    case ENOSPC: return "no space left on device";
    case EROFS: return "read-only file system";
    case ENAMETOOLONG: return "file name too long";
    case ENOSYS: return "function not implemented";
    case ELOOP: return "too many levels of symbolic links";
    case ECONNREFUSED: return "connection refused";
    case EADDRINUSE: return "address in use";
    case ENOBUFS: return "no buffer space available";
    default: return "system error";
  }
}

}  // namespace notes::detail
