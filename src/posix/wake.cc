// Wake-ups for waiters: an eventfd (Linux) or a non-blocking pipe. Level-triggered: a ring stays
// until wake_clear, so a receiver's fd() polls readable while a note may be queued.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/backend.h"
#include "posix/config.h"
#include "posix/signals.h"

#if NOTES_HAVE_EVENTFD
#include <sys/eventfd.h>
#endif

namespace notes::detail::backend {

Status wake_open(Wake& w) noexcept {
#if NOTES_HAVE_EVENTFD
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) return Status(Code::io, 0, errno, "cannot make a receiver's eventfd");
  w.fds[0] = w.fds[1] = fd;
#else
  int fds[2];
  if (pipe(fds) != 0) return Status(Code::io, 0, errno, "cannot make a receiver's pipe");
  for (int fd : fds) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  w.fds[0] = fds[0];
  w.fds[1] = fds[1];
#endif
  return Status();
}

void wake_close(Wake& w) noexcept {
  if (w.fds[0] >= 0) close(w.fds[0]);
  if (w.fds[1] >= 0 && w.fds[1] != w.fds[0]) close(w.fds[1]);
  w.fds[0] = w.fds[1] = -1;
}

void wake_ring(Wake& w) noexcept {
  int saved = errno;
  if (w.synchronous) {
    // Its waiter sleeps in sigtimedwait, not on the descriptor: signal that thread.
    if (long thread = w.sync_thread.load(); thread != 0) {
      syscall(SYS_tgkill, getpid(), thread, signals::kDoorbell);
    }
    errno = saved;
    return;
  }
#if NOTES_HAVE_EVENTFD
  uint64_t one = 1;
  ssize_t r = write(w.fds[1], &one, sizeof one);
#else
  char one = 1;
  ssize_t r = write(w.fds[1], &one, 1);  // EAGAIN: a full pipe is still readable
#endif
  (void)r;
  w.rung.store(true);
  errno = saved;
}

void wake_clear(Wake& w) noexcept {
  // A descriptor polled elsewhere may have shown readable before its ring said so.
  if (!w.rung.exchange(false) && !w.exported.load()) return;
  char buf[64];
  while (read(w.fds[0], buf, sizeof buf) > 0) {
#if NOTES_HAVE_EVENTFD
    break;  // one read resets an eventfd
#endif
  }
}

Status wake_wait(Wake& w, int64_t timeout_ns, int also, bool* also_ready) noexcept {
  pollfd p[2] = {{w.fds[0], POLLIN, 0}, {also, POLLIN, 0}};
  const nfds_t n = also >= 0 ? 2 : 1;
  int r;
#ifdef __linux__
  timespec ts{static_cast<time_t>(timeout_ns / 1000000000),
              static_cast<long>(timeout_ns % 1000000000)};
  r = ppoll(p, n, timeout_ns < 0 ? nullptr : &ts, nullptr);
#else
  int ms = timeout_ns < 0 ? -1 : static_cast<int>((timeout_ns + 999999) / 1000000);
  r = poll(p, n, ms);
#endif
  // Readable before a ring could say so: the next clear must read.
  if (r > 0 && p[0].revents != 0) w.rung.store(true);
  if (also_ready != nullptr) *also_ready = r > 0 && also >= 0 && p[1].revents != 0;
  if (r > 0) return Status();
  if (r == 0) return Status(Code::timed_out);
  if (errno == EINTR) return Status(Code::interrupted);
  return Status(Code::io, 0, errno, "poll on a receiver failed");
}

int wake_fd(const Wake& w) noexcept {
  return w.fds[0];
}

}  // namespace notes::detail::backend
