// Note posting and delivery (see notes.h for the rules and their sources).
#include "notes.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstring>

#include <fmt/format.h>

#include "guestmem.h"
#include "proc.h"
#include "session.h"
#include "sud.h"

namespace p9run {
namespace {

constexpr uint64_t kUAddrMask = 0x00007fffffffffff;  // pc64/mem.h UADDRMASK

// 9front kstrcpy (port/chan.c): a note longer than ERRMAX-1 bytes is cut on a UTF-8 boundary
// and ends in "...".
void note_copy(char (&dst)[kErrMax], std::string_view src) {
  if (const size_t nul = src.find('\0'); nul != std::string_view::npos) src = src.substr(0, nul);
  if (src.size() < kErrMax) {
    std::memcpy(dst, src.data(), src.size());
    std::memset(dst + src.size(), 0, kErrMax - src.size());
    return;
  }
  size_t keep = kErrMax - 4;
  while (keep > 0 && (static_cast<unsigned char>(src[keep]) & 0xC0) == 0x80) --keep;
  std::memset(dst, 0, kErrMax);
  std::memcpy(dst, src.data(), keep);
  std::memcpy(dst + keep, "...", 3);
}

// Wakes a blocked call and stops guest code in the target (9front procinterrupt).
void interrupt(Slot& s) {
  s.notepending.store(1);
  s.notegen.fetch_add(1);
  futex_wake(&s.notegen, INT_MAX);
  // A proc posting to itself delivers on its way back to guest code; no doorbell needed.
  if (s.pid != up.pid) kill(s.pid, kDoorbell);
}

bool push_note(Slot& s, const NoteEntry& n) {
  if (s.state.load() != kSlotAlive || s.pid == 0 || s.exited) return false;
  if (n.flag != kNUser && (s.notify == 0 || s.notified)) s.nnote = 0;
  if (s.nnote >= static_cast<uint32_t>(kNNote)) return false;
  s.note[s.nnote++] = n;
  interrupt(s);
  return true;
}

greg_t& reg(ucontext_t& uc, int r) {
  return uc.uc_mcontext.gregs[r];
}
uint64_t get(const ucontext_t& uc, int r) {
  return static_cast<uint64_t>(uc.uc_mcontext.gregs[r]);
}

}  // namespace

bool post_note(int slot, std::string_view msg, int flag, bool group) {
  if (slot < 0) return false;
  NoteEntry n{};
  note_copy(n.msg, msg);
  n.flag = flag;
  n.group = group ? 1 : 0;
  Slot& s = g_session->slot[slot];
  Locked l(s.lock);
  return push_note(s, n);
}

void post_note_group(int32_t noteid, std::string_view msg, int flag, int32_t except) {
  NoteEntry n{};
  note_copy(n.msg, msg);
  n.flag = flag;
  n.group = 1;
  for (Slot& s : g_session->slot) {
    if (s.state.load() != kSlotAlive) continue;
    Locked l(s.lock);
    if (s.noteid == noteid && s.pid != except) push_note(s, n);
  }
}

bool kill_proc(int slot) {
  Slot& s = g_session->slot[slot];
  Locked l(s.lock);
  if (s.state.load() != kSlotAlive || s.exited) return false;
  s.killed.store(1);
  NoteEntry n{};
  note_copy(n.msg, "sys: killed");
  n.flag = kNExit;
  if (!push_note(s, n)) interrupt(s);
  return true;
}

bool note_interrupts() {
  Slot& s = my_slot();
  if (s.killed.load()) return true;
  return s.notepending.exchange(0) != 0;
}

Wake wait_or_note(const std::atomic<uint32_t>* word, uint32_t expected, int64_t timeout_ns) {
  Slot& s = my_slot();
  BlockingWindow window;  // SIGALRM may post "alarm" while we wait
  const uint32_t gen = s.notegen.load();
  if (note_interrupts()) return Wake::kInterrupted;
  const Wake w = word != nullptr ? futex_wait2(word, expected, &s.notegen, gen, timeout_ns)
                                 : futex_wait(&s.notegen, gen, timeout_ns);
  if (note_interrupts()) return Wake::kInterrupted;
  return w == Wake::kTimeout ? Wake::kTimeout : Wake::kWoken;
}

void ureg_from_context(const ucontext_t& uc, Ureg& u) {
  u = Ureg{};
  u.ax = get(uc, REG_RAX);
  u.bx = get(uc, REG_RBX);
  u.cx = get(uc, REG_RCX);
  u.dx = get(uc, REG_RDX);
  u.si = get(uc, REG_RSI);
  u.di = get(uc, REG_RDI);
  u.bp = get(uc, REG_RBP);
  u.r8 = get(uc, REG_R8);
  u.r9 = get(uc, REG_R9);
  u.r10 = get(uc, REG_R10);
  u.r11 = get(uc, REG_R11);
  u.r12 = get(uc, REG_R12);
  u.r13 = get(uc, REG_R13);
  u.r14 = get(uc, REG_R14);
  u.r15 = get(uc, REG_R15);
  const uint64_t csgsfs = get(uc, REG_CSGSFS);
  u.cs = csgsfs & 0xffff;
  u.gs = static_cast<uint16_t>(csgsfs >> 16);
  u.fs = static_cast<uint16_t>(csgsfs >> 32);
  u.ss = csgsfs >> 48;
  u.type = get(uc, REG_TRAPNO);
  u.error = get(uc, REG_ERR);
  u.pc = get(uc, REG_RIP);
  u.flags = get(uc, REG_EFL);
  u.sp = get(uc, REG_RSP);
}

void context_from_ureg(const Ureg& u, ucontext_t& uc) {
  reg(uc, REG_RAX) = static_cast<greg_t>(u.ax);
  reg(uc, REG_RBX) = static_cast<greg_t>(u.bx);
  reg(uc, REG_RCX) = static_cast<greg_t>(u.cx);
  reg(uc, REG_RDX) = static_cast<greg_t>(u.dx);
  reg(uc, REG_RSI) = static_cast<greg_t>(u.si);
  reg(uc, REG_RDI) = static_cast<greg_t>(u.di);
  reg(uc, REG_RBP) = static_cast<greg_t>(u.bp);
  reg(uc, REG_R8) = static_cast<greg_t>(u.r8);
  reg(uc, REG_R9) = static_cast<greg_t>(u.r9);
  reg(uc, REG_R10) = static_cast<greg_t>(u.r10);
  reg(uc, REG_R11) = static_cast<greg_t>(u.r11);
  reg(uc, REG_R12) = static_cast<greg_t>(u.r12);
  reg(uc, REG_R13) = static_cast<greg_t>(u.r13);
  reg(uc, REG_R14) = static_cast<greg_t>(u.r14);
  reg(uc, REG_R15) = static_cast<greg_t>(u.r15);
  reg(uc, REG_RIP) = static_cast<greg_t>(u.pc & kUAddrMask);
  reg(uc, REG_RSP) = static_cast<greg_t>(u.sp);
  const uint64_t flags = (get(uc, REG_EFL) & ~uint64_t{0xff}) | (u.flags & 0xff);
  reg(uc, REG_EFL) = static_cast<greg_t>(flags);
}

void notify(ucontext_t* uc) {
  Slot& s = my_slot();
  if (s.killed.load()) pexit("Killed");  // 9front procctl runs first: no handler
  if (std::atomic_ref<uint32_t>(s.nnote).load(std::memory_order_relaxed) == 0) return;

  NoteEntry n{};
  {
    Locked l(s.lock);
    s.notepending.store(0);
    if (s.nnote == 0) return;
    if (up.notified && s.note[0].flag == kNUser) return;  // held while the handler runs
    n = s.note[0];
    --s.nnote;
    std::memmove(&s.note[0], &s.note[1], s.nnote * sizeof(NoteEntry));
  }
  if (std::strncmp(n.msg, "sys:", 4) == 0 && n.group == 0) {
    const size_t len = std::strlen(n.msg);
    fmt::format_to_n(n.msg + len, kErrMax - 1 - len, " pc={:#x}", get(*uc, REG_RIP));
  }
  up.lastnote = n;
  if (up.notify == 0 || up.notified) {
    if (n.flag == kNDebug) pprint(fmt::format("suicide: {}", n.msg).c_str());
    pexit(n.msg);
  }

  // The frame of pc64/trap.c notify, with S the interrupted SP:
  //   U = S-256-sizeof(Ureg): the Ureg;  U-8: the previous up->ureg;
  //   M = U-8-ERRMAX: the note text;     SP = M-24: [SP]=0, [SP+8]=U, [SP+16]=M;  RBP = U.
  const uint64_t ureg_at = get(*uc, REG_RSP) - 256 - sizeof(Ureg);
  const uint64_t frame_lo = ureg_at - kErrMax - 4 * 8;
  if (!guest_ok(up.notify, 1, Access::kRead) ||
      !guest_ok(frame_lo, sizeof(Ureg) + kErrMax + 4 * 8, Access::kWrite)) {
    pprint("suicide: bad address in notify");
    pexit("Suicide");
  }
  Ureg u;
  ureg_from_context(*uc, u);
  std::memcpy(guest_ptr<void>(ureg_at), &u, sizeof u);
  *guest_ptr<uint64_t>(ureg_at - 8) = up.ureg;
  up.ureg = ureg_at;
  const uint64_t msg_at = ureg_at - 8 - kErrMax;
  std::memcpy(guest_ptr<void>(msg_at), n.msg, kErrMax);
  const uint64_t sp = msg_at - 3 * 8;
  auto* frame = guest_ptr<uint64_t>(sp);
  frame[0] = 0;
  frame[1] = ureg_at;
  frame[2] = msg_at;
  reg(*uc, REG_RSP) = static_cast<greg_t>(sp);
  reg(*uc, REG_RIP) = static_cast<greg_t>(up.notify);
  reg(*uc, REG_RBP) = static_cast<greg_t>(ureg_at);
  up.notified = true;
  Locked l(s.lock);
  s.notified = 1;
}

void noted(ucontext_t* uc, uint64_t arg) {
  Slot& s = my_slot();
  if (arg != kNRstr && !up.notified) {
    pprint("call to noted() when not notified");
    pexit("Suicide");
  }
  up.notified = false;
  {
    Locked l(s.lock);
    s.notified = 0;
  }
  const uint64_t oureg = up.ureg;
  if (!guest_ok(oureg - 8, 8 + sizeof(Ureg), Access::kRead)) {
    pprint("bad ureg in noted or call to noted when not notified");
    pexit("Suicide");
  }
  Ureg u;
  std::memcpy(&u, guest_ptr<const void>(oureg), sizeof u);
  context_from_ureg(u, *uc);

  switch (arg) {
    case kNCont:
    case kNRstr:
      if (!guest_ok(u.pc, 1, Access::kRead) || !guest_ok(u.sp, 8, Access::kRead)) {
        pprint("suicide: trap in noted");
        pexit("Suicide");
      }
      up.ureg = *guest_ptr<const uint64_t>(oureg - 8);
      return;
    case kNSave: {
      const uint64_t sp = oureg - 4 * 8 - kErrMax;
      if (!guest_ok(u.pc, 1, Access::kRead) || !guest_ok(u.sp, 8, Access::kRead) ||
          !guest_ok(sp, 16, Access::kWrite)) {
        pprint("suicide: trap in noted");
        pexit("Suicide");
      }
      reg(*uc, REG_RSP) = static_cast<greg_t>(sp);
      reg(*uc, REG_RBP) = static_cast<greg_t>(oureg);
      guest_ptr<uint64_t>(sp)[1] = oureg;
      guest_ptr<uint64_t>(sp)[0] = 0;
      return;
    }
    default: up.lastnote.flag = kNDebug; [[fallthrough]];
    case kNDflt:
      if (up.lastnote.flag == kNDebug) pprint(fmt::format("suicide: {}", up.lastnote.msg).c_str());
      pexit(up.lastnote.msg);
  }
}

void set_note_handler(uint64_t fn) {
  up.notify = fn;
  Slot& s = my_slot();
  Locked l(s.lock);
  s.notify = fn;
}

void reset_notes() {
  up.notify = 0;
  up.notified = false;
  up.ureg = 0;
  up.lastnote = NoteEntry{};
  Slot& s = my_slot();
  Locked l(s.lock);
  s.nnote = 0;
  s.notify = 0;
  s.notified = 0;
  s.notepending.store(0);
}

void on_doorbell(int, siginfo_t*, void* ctx) {
  HostCode host;
  // Inside p9run code (a blocking wait) the note generation already woke the wait; the note is
  // delivered on the way back to guest code.
  if (host.from_guest()) notify(static_cast<ucontext_t*>(ctx));
}

}  // namespace p9run
