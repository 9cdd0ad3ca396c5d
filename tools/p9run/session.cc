// The shared session table (see session.h).
#include "session.h"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

namespace p9run {

Session* g_session = nullptr;

bool session_create() {
  void* p =
      mmap(nullptr, sizeof(Session), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  g_session = new (p) Session{};  // all zero: every slot free
  g_session->magic = 0x39727531;
  g_session->supervisor_pid = getpid();
  g_session->next_id.store(1);
  return true;
}

int slot_reserve() {
  Locked l(g_session->lock);
  for (int i = 0; i < kMaxProcs; ++i) {
    Slot& s = g_session->slot[i];
    if (s.state.load() != kSlotFree) continue;
    Locked sl(s.lock);
    s.pid = 0;
    s.ppid = 0;
    s.parentpid = 0;
    s.aout[0] = 0;
    s.noteid = 0;
    s.rgroup = 0;
    s.notify = 0;
    s.notified = 0;
    s.nnote = 0;
    s.notepending.store(0);
    s.killed.store(0);
    s.nchild = 0;
    s.nwait = 0;
    s.text[0] = 0;
    s.exitmsg[0] = 0;
    s.exited = 0;
    s.entered = 0;
    for (int32_t& g : s.segs) g = -1;
    s.start_ns = 0;
    s.state.store(kSlotReserved);
    return i;
  }
  return -1;
}

int slot_find(int32_t pid) {
  if (pid <= 0) return -1;
  for (int i = 0; i < kMaxProcs; ++i) {
    Slot& s = g_session->slot[i];
    if (s.state.load() == kSlotAlive && s.pid == pid) return i;
  }
  return -1;
}

int seg_alloc() {
  Locked l(g_session->lock);
  for (int i = 0; i < kMaxSegs; ++i) {
    SharedSeg& s = g_session->seg[i];
    if (s.refs.load() != 0) continue;
    s.refs.store(1);
    s.base = 0;
    s.size.store(0);
    s.reserve = 0;
    s.fd = -1;
    return i;
  }
  return -1;
}

int32_t new_id() {
  return g_session->next_id.fetch_add(1);
}

}  // namespace p9run
