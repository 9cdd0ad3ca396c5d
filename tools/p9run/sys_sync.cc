// Semaphores and rendezvous.
//
// 9front semaphores are a long (32 bits on amd64) in user memory: semacquire takes one when the
// value is positive (compare-and-swap), else sleeps until semrelease adds to it
// (port/sysproc.c semacquire, tsemacquire, semrelease). Here the sleep is a shared futex on the
// word itself, so procs in other Linux processes wake it, together with the proc's note
// generation so that a note interrupts it. rendezvous exchanges two values between procs of one
// rendezvous group (RFREND) through a table in the session.
#include <climits>
#include <cstring>

#include "guestmem.h"
#include "notes.h"
#include "plan9.h"
#include "proc.h"
#include "session.h"
#include "syscalls.h"

namespace p9run {
namespace {

// The semaphore at `addr`, or nullptr after failing the call.
std::atomic<uint32_t>* sema(Call& c, uint64_t addr) {
  if ((addr & 3) != 0 || !guest_ok(addr, 4, Access::kWrite)) {
    bad_address(c, addr, 4);
    return nullptr;
  }
  auto* w = guest_ptr<std::atomic<uint32_t>>(addr);
  if (static_cast<int32_t>(w->load()) < 0) {
    c.fail(err::kBadarg);
    return nullptr;
  }
  return w;
}

bool can_acquire(std::atomic<uint32_t>* w) {
  uint32_t v = w->load();
  while (static_cast<int32_t>(v) > 0)
    if (w->compare_exchange_weak(v, v - 1)) return true;
  return false;
}

// Acquires within `timeout_ns` (negative: no limit): 1 acquired, 0 timed out, -1 interrupted.
int acquire(std::atomic<uint32_t>* w, int64_t timeout_ns) {
  const int64_t deadline = timeout_ns < 0 ? -1 : mono_ns() + timeout_ns;
  for (;;) {
    if (can_acquire(w)) return 1;
    int64_t left = -1;
    if (deadline >= 0) {
      left = deadline - mono_ns();
      if (left <= 0) return 0;
    }
    const uint32_t seen = w->load();
    if (static_cast<int32_t>(seen) > 0) continue;
    if (wait_or_note(w, seen, left) == Wake::kInterrupted) return -1;
  }
}

}  // namespace

void sys_semacquire(Call& c) {
  auto* w = sema(c, c.u64(0));
  if (w == nullptr) return;
  if (c.i32(1) == 0) {
    c.ret = can_acquire(w) ? 1 : 0;
    return;
  }
  c.ret = acquire(w, -1);
  if (c.ret < 0) c.fail(err::kIntr);
}

void sys_tsemacquire(Call& c) {
  auto* w = sema(c, c.u64(0));
  if (w == nullptr) return;
  const uint32_t ms = c.u32(1);
  c.ret = acquire(w, int64_t{ms} * 1'000'000);
  if (c.ret < 0) c.fail(err::kIntr);
}

void sys_semrelease(Call& c) {
  auto* w = sema(c, c.u64(0));
  if (w == nullptr) return;
  const int32_t delta = c.i32(1);
  if (delta < 0) return c.fail(err::kBadarg);
  const uint32_t v = w->fetch_add(static_cast<uint32_t>(delta)) + static_cast<uint32_t>(delta);
  if (delta > 0) futex_wake(w, delta);
  c.ret = static_cast<int32_t>(v);
}

void sys_rendezvous(Call& c) {
  const uint64_t tag = c.u64(0);
  const uint64_t value = c.u64(1);
  int32_t group = 0;
  {
    Slot& me = my_slot();
    Locked l(me.lock);
    group = me.rgroup;
  }
  RendezvousEntry* mine = nullptr;
  {
    Locked l(g_session->lock);
    for (RendezvousEntry& e : g_session->rv) {
      if (e.state.load() == 1 && e.group == group && e.tag == tag) {
        c.ret = static_cast<int64_t>(e.value);
        e.value = value;
        e.state.store(2);
        futex_wake(&e.state, 1);
        return;
      }
    }
    for (RendezvousEntry& e : g_session->rv) {
      if (e.state.load() == 0) {
        mine = &e;
        break;
      }
    }
    if (mine == nullptr) return c.fail(err::kNomem);
    mine->group = group;
    mine->tag = tag;
    mine->value = value;
    mine->pid = up.pid;
    mine->state.store(1);
  }
  for (;;) {
    const Wake w = wait_or_note(&mine->state, 1, -1);
    Locked l(g_session->lock);
    if (mine->state.load() == 2) {
      c.ret = static_cast<int64_t>(mine->value);
      mine->state.store(0);
      return;
    }
    if (w == Wake::kInterrupted) {
      mine->state.store(0);
      return c.fail(err::kIntr);  // 9front returns ~0
    }
  }
}

}  // namespace p9run
