// Futexes shared between the processes of one p9run session.
//
// Every Plan 9 proc is its own Linux process (see proc.h for why), so all waits use the shared
// (not FUTEX_PRIVATE_FLAG) futex operations: the key is the page of the MAP_SHARED mapping,
// which is the same in every process. A blocked Plan 9 call waits on two words at once, the
// thing it waits for and the proc's note generation counter, so that posting a note wakes it
// with no lost-wakeup window; futex_waitv (Linux 5.16) does that, and a polling fallback covers
// older kernels.
#pragma once

#include <atomic>
#include <cstdint>

namespace p9run {

// Result of a wait.
enum class Wake { kWoken, kTimeout, kInterrupted };

// Waits while *word == expected, for at most `timeout_ns` (negative: no limit).
Wake futex_wait(const std::atomic<uint32_t>* word, uint32_t expected, int64_t timeout_ns);

// Waits while *a == ea and *b == eb (either changing wakes), for at most `timeout_ns`.
Wake futex_wait2(const std::atomic<uint32_t>* a, uint32_t ea, const std::atomic<uint32_t>* b,
                 uint32_t eb, int64_t timeout_ns);

// Wakes up to `n` waiters on `word`.
void futex_wake(const std::atomic<uint32_t>* word, int n);

// A small mutex for the shared session table: a word in shared memory, futex-backed.
class ShmLock {
 public:
  void lock();
  void unlock();

 private:
  std::atomic<uint32_t> state_{0};  // 0 free, 1 held, 2 held with waiters
};

// Holds a ShmLock for a scope.
class Locked {
 public:
  explicit Locked(ShmLock& l) : l_(l) { l_.lock(); }
  ~Locked() { l_.unlock(); }
  Locked(const Locked&) = delete;
  Locked& operator=(const Locked&) = delete;

 private:
  ShmLock& l_;
};

// Monotonic nanoseconds.
int64_t mono_ns();

}  // namespace p9run
