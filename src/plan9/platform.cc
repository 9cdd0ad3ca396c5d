// Small backend services on Plan 9: the registry lock (a plan9::Lock, which sleeps in a kernel
// semaphore when contended; taken only in ordinary code), yielding (sleep(0) gives up the
// processor: 9front port/sysproc.c syssleep calls yield), and the clock. 9front's nsec() is the
// time of day in nanoseconds (port/tod.c todget), which never goes backwards ("time can't go
// backwards") and is corrected by slewing (todset with a delta); only setting the time outright
// jumps it. So it serves as the monotonic clock of receivers' timeouts.
#include "common/backend.h"
#include "plan9.h"

namespace notes::detail::backend {
namespace {

plan9::Lock registry_lock;

}  // namespace

void lock_registry() noexcept {
  registry_lock.lock();
}
void unlock_registry() noexcept {
  registry_lock.unlock();
}
void yield() noexcept {
  plan9::sleep(0);
}
int64_t monotonic_ns() noexcept {
  return plan9::nsec();
}

}  // namespace notes::detail::backend
