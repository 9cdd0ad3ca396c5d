// Shared futex waits and the session lock (see futex.h).
#include "futex.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

namespace p9run {
namespace {

timespec to_timespec(int64_t ns) {
  timespec ts{};
  ts.tv_sec = ns / 1'000'000'000;
  ts.tv_nsec = ns % 1'000'000'000;
  return ts;
}

uint32_t* word_ptr(const std::atomic<uint32_t>* w) {
  // The kernel only reads the word; it wants a plain pointer to it.
  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
  return reinterpret_cast<uint32_t*>(const_cast<std::atomic<uint32_t>*>(w));
}

Wake from_errno(long r) {
  if (r >= 0) return Wake::kWoken;
  if (errno == ETIMEDOUT) return Wake::kTimeout;
  if (errno == EINTR) return Wake::kInterrupted;
  return Wake::kWoken;  // EAGAIN: the value had already changed
}

std::atomic<int> g_have_waitv{1};

}  // namespace

int64_t mono_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

Wake futex_wait(const std::atomic<uint32_t>* word, uint32_t expected, int64_t timeout_ns) {
  timespec ts = to_timespec(std::max<int64_t>(timeout_ns, 0));
  long r = syscall(SYS_futex, word_ptr(word), FUTEX_WAIT, expected, timeout_ns < 0 ? nullptr : &ts,
                   nullptr, 0);
  return from_errno(r);
}

Wake futex_wait2(const std::atomic<uint32_t>* a, uint32_t ea, const std::atomic<uint32_t>* b,
                 uint32_t eb, int64_t timeout_ns) {
  const int64_t deadline = timeout_ns < 0 ? -1 : mono_ns() + timeout_ns;
  if (g_have_waitv.load(std::memory_order_relaxed)) {
    futex_waitv w[2]{};
    w[0].val = ea;
    w[0].uaddr = reinterpret_cast<uintptr_t>(word_ptr(a));
    w[0].flags = FUTEX_32;
    w[1].val = eb;
    w[1].uaddr = reinterpret_cast<uintptr_t>(word_ptr(b));
    w[1].flags = FUTEX_32;
    timespec ts = to_timespec(deadline);  // an absolute CLOCK_MONOTONIC time
    long r = syscall(SYS_futex_waitv, w, 2, 0, deadline < 0 ? nullptr : &ts, CLOCK_MONOTONIC);
    if (r >= 0 || errno != ENOSYS) return from_errno(r);
    g_have_waitv.store(0, std::memory_order_relaxed);
  }
  // Without futex_waitv: wait on the first word in short slices and look at the second.
  for (;;) {
    if (a->load() != ea || b->load() != eb) return Wake::kWoken;
    int64_t slice = 5'000'000;
    if (deadline >= 0) {
      const int64_t left = deadline - mono_ns();
      if (left <= 0) return Wake::kTimeout;
      slice = std::min(slice, left);
    }
    Wake w = futex_wait(a, ea, slice);
    if (w == Wake::kInterrupted) return w;
    if (w == Wake::kWoken && a->load() != ea) return w;
  }
}

void futex_wake(const std::atomic<uint32_t>* word, int n) {
  syscall(SYS_futex, word_ptr(word), FUTEX_WAKE, n, nullptr, nullptr, 0);
}

void ShmLock::lock() {
  uint32_t c = 0;
  if (state_.compare_exchange_strong(c, 1, std::memory_order_acquire)) return;
  for (int spin = 0; spin < 100; ++spin) {
    c = 0;
    if (state_.compare_exchange_weak(c, 1, std::memory_order_acquire)) return;
  }
  if (c != 2) c = state_.exchange(2, std::memory_order_acquire);
  while (c != 0) {
    futex_wait(&state_, 2, -1);
    c = state_.exchange(2, std::memory_order_acquire);
  }
}

void ShmLock::unlock() {
  if (state_.exchange(0, std::memory_order_release) == 2) futex_wake(&state_, 1);
}

}  // namespace p9run
