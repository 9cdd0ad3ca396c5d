// Wake-ups for waiters on Plan 9: a kernel semaphore (semacquire(2)). Wake::fds[0] is the
// semaphore's count, a word in the receiver's heap channel, which every proc of the program
// shares (rfork RFMEM); fds[1] is unused. There is nothing to poll, so wake_fd is -1.
//
// Level-triggered like the POSIX eventfd: a ring stays until wake_clear. A waiter that acquires
// the count puts it back, so every waiter of the receiver wakes (stop() rings once for all of
// them), and wake_clear sets the count to 0 (the kernel changes it only by compare-and-swap:
// 9front port/sysproc.c canacquire, semrelease). wake_ring is semrelease, a system call, so it
// is safe in a note handler. A wait interrupted by a note fails with "interrupted"
// (port/sysproc.c semacquire sleeps under waserror).
#include "common/backend.h"
#include "plan9.h"
#include "plan9/errors.h"

namespace notes::detail::backend {
namespace {

int32_t* count(Wake& w) noexcept {
  return &w.fds[0];
}

// tsemacquire takes a 32-bit ulong of milliseconds; longer waits are made of several.
constexpr int64_t kMaxWaitMs = int64_t{1} << 30;

}  // namespace

Status wake_open(Wake& w) noexcept {
  w.fds[0] = 0;
  w.fds[1] = -1;
  return Status();
}

void wake_close(Wake& w) noexcept {
  w.fds[0] = 0;
}

void wake_ring(Wake& w) noexcept {
  plan9::semrelease(count(w), 1);
}

void wake_clear(Wake& w) noexcept {
  __atomic_store_n(count(w), 0, __ATOMIC_SEQ_CST);
}

Status wake_wait(Wake& w, int64_t timeout_ns, int, bool* also_ready) noexcept {
  if (also_ready != nullptr) *also_ready = false;  // nothing else to watch here
  int r;
  if (timeout_ns < 0) {
    r = plan9::semacquire(count(w), 1);
  } else {
    int64_t ms = timeout_ns / 1000000 + (timeout_ns % 1000000 != 0 ? 1 : 0);
    if (ms > kMaxWaitMs) ms = kMaxWaitMs;
    r = plan9::tsemacquire(count(w), static_cast<unsigned long>(ms));
  }
  if (r == 1) {
    plan9::semrelease(count(w), 1);
    return Status();
  }
  if (r == 0) return Status(Code::timed_out);
  char text[plan9::kErrMax];
  plan9::rerrstr(text, sizeof text);
  const int err = errors::number(text);
  if (err == errors::number("interrupted")) return Status(Code::interrupted);
  return Status(Code::io, 0, err, "semacquire on a receiver failed");
}

int wake_fd(const Wake&) noexcept {
  return -1;
}

}  // namespace notes::detail::backend
