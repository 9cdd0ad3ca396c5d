// Procs sharing memory (plan9::spawn_proc, rfork(RFPROC|RFMEM)) that block on kernel
// semaphores: a start barrier, contended plan9::Lock, concurrent allocation, tsemacquire
// timing out, and wait_proc reaping each one.
#include <atomic>
#include <string>
#include <vector>

#include "check.h"

namespace {

constexpr int kProcs = 4;
constexpr int kRounds = 2000;

std::int32_t start_sema = 0;
std::int32_t done_sema = 0;
std::atomic<int> atomic_count{0};
plan9::Lock count_lock;
long locked_count = 0;  // guarded by count_lock, updated non-atomically on purpose
int pids[kProcs];
std::atomic<int> stack_check{0};

struct Work {
  int index;
  std::size_t allocated;
};
// Static, not on main's stack: an RFMEM proc sees a private copy of its parent's stack.
Work work[kProcs];

void worker(void* arg) {
  auto* w = static_cast<Work*>(arg);
  while (plan9::semacquire(&start_sema, 1) != 1) {
  }
  pids[w->index] = plan9::getpid();
  int on_stack = w->index;  // on the proc's own stack: the heap block spawn_proc gave it
  for (int i = 0; i < kRounds; i++) {
    atomic_count.fetch_add(1);
    count_lock.lock();
    const long seen = locked_count;
    if (i % 64 == 0) plan9::sleep(0);  // give the others a chance to break the lock
    locked_count = seen + 1;
    count_lock.unlock();
    if (i % 16 == 0) {
      std::string s(static_cast<std::size_t>(32 + i % 500), 'p');
      w->allocated += s.size();
    }
  }
  if (on_stack == w->index) stack_check.fetch_add(1);
  plan9::semrelease(&done_sema, 1);
}

}  // namespace

int main(int, char**) {
  const int self = plan9::getpid();
  int spawned[kProcs];
  for (int i = 0; i < kProcs; i++) {
    work[i] = Work{i, 0};
    spawned[i] = plan9::spawn_proc(worker, &work[i]);
    CHECK(spawned[i] > 0);
  }
  CHECK(plan9::semrelease(&start_sema, kProcs) >= 0);
  for (int i = 0; i < kProcs; i++) CHECK(plan9::semacquire(&done_sema, 1) == 1);

  CHECK(atomic_count.load() == kProcs * kRounds);
  CHECK(locked_count == kProcs * kRounds);
  CHECK(stack_check.load() == kProcs);
  bool distinct = true;
  for (int i = 0; i < kProcs; i++) {
    distinct = distinct && pids[i] != self && pids[i] == spawned[i];
    for (int j = 0; j < i; j++) distinct = distinct && pids[i] != pids[j];
    CHECK(work[i].allocated > 0);
  }
  CHECK(distinct);
  CHECK(plan9::getpid() == self);

  // The stack is not shared: a proc writing to its parent's local writes to its own copy.
  static int parent_local_address_seen = 0;
  int parent_local = 1;
  struct Poke {
    static void run(void* p) {
      *static_cast<int*>(p) = 2;
      parent_local_address_seen = 1;
    }
  };
  const int poker = plan9::spawn_proc(Poke::run, &parent_local);
  CHECK(poker > 0);
  CHECK(plan9::wait_proc(poker) == 0);
  CHECK(parent_local_address_seen == 1);
  CHECK(parent_local == 1);

  // Reap in reverse order: messages for the others are kept until asked for.
  for (int i = kProcs - 1; i >= 0; i--) {
    char status[plan9::kErrMax] = "unset";
    CHECK(plan9::wait_proc(spawned[i], status, sizeof status) == 0);
    CHECK(status[0] == 0);
  }
  CHECK(plan9::wait_proc(spawned[0]) == -1);

  // A semaphore at 0: a non-blocking acquire fails, a timed one times out.
  std::int32_t empty = 0;
  CHECK(plan9::semacquire(&empty, 0) == 0);
  const std::int64_t t0 = plan9::nsec();
  CHECK(plan9::tsemacquire(&empty, 50) == 0);
  const std::int64_t waited_ms = (plan9::nsec() - t0) / 1000000;
  plan9::print("tsemacquire(50) waited %lld ms\n", static_cast<long long>(waited_ms));
  CHECK(waited_ms >= 40);
  CHECK(plan9::semrelease(&empty, 2) == 2);
  CHECK(plan9::tsemacquire(&empty, 50) == 1);
  CHECK(empty == 1);

  plan9::print("%d procs, %d rounds each\n", kProcs, kRounds);
  return p9test::summary();
}
