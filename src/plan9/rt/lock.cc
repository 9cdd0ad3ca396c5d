// plan9::Lock: a "benaphore". state_ counts the procs holding or waiting for the lock; only a
// proc that finds it non-zero sleeps, in the kernel semaphore sema_, and unlock wakes one waiter
// only when there is one. An uncontended lock and unlock are one atomic instruction each.
// semacquire can fail with "interrupted" when a note arrives (9front port/sysproc.c semacquire
// sleeps with waserror); the wait is then simply repeated, as Go's semasleep does.
#include "plan9.h"

namespace plan9 {

void Lock::lock() {
  if (__atomic_fetch_add(&state_, 1, __ATOMIC_ACQUIRE) == 0) return;
  while (semacquire(&sema_, 1) != 1) {
  }
}

bool Lock::try_lock() {
  std::int32_t free = 0;
  return __atomic_compare_exchange_n(&state_, &free, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void Lock::unlock() {
  if (__atomic_fetch_sub(&state_, 1, __ATOMIC_RELEASE) != 1) semrelease(&sema_, 1);
}

}  // namespace plan9
