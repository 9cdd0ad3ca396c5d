// plan9::Lock: a "benaphore". state_ counts the procs holding or waiting for the lock; only a
// proc that finds it non-zero sleeps, in the kernel semaphore sema_, and unlock wakes one waiter
// only when there is one. An uncontended lock and unlock are one atomic instruction each.
// semacquire can fail with "interrupted" when a note arrives (9front port/sysproc.c semacquire
// sleeps with waserror); the wait is then simply repeated, as Go's semasleep does.
//
// Each proc counts the Locks it holds or is acquiring in its proc-local block (plain arithmetic:
// only the proc and its own note handler touch it). The count goes up before the lock is taken
// and down after it is released, so a note handler that sees 0 knows the code it interrupted
// holds no Lock. When the count drops to 0 and a note handler asked for it
// (ProcLocal::on_last_unlock), the request runs right there. Signal fences keep the compiler from
// moving the count across the lock operations (the handler runs on the same proc).
#include "plan9.h"

namespace plan9 {
namespace {

void count_up() {
  proc_local().locks++;
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

void count_down() {
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  ProcLocal& self = proc_local();
  if (--self.locks == 0 && self.on_last_unlock != nullptr) {
    void (*fn)() = self.on_last_unlock;
    self.on_last_unlock = nullptr;
    fn();
  }
}

}  // namespace

void Lock::lock() {
  count_up();
  if (__atomic_fetch_add(&state_, 1, __ATOMIC_ACQUIRE) == 0) return;
  while (semacquire(&sema_, 1) != 1) {
  }
}

bool Lock::try_lock() {
  count_up();
  std::int32_t free = 0;
  if (__atomic_compare_exchange_n(&state_, &free, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
    return true;
  count_down();
  return false;
}

void Lock::unlock() {
  if (__atomic_fetch_sub(&state_, 1, __ATOMIC_RELEASE) != 1) semrelease(&sema_, 1);
  count_down();
}

}  // namespace plan9
