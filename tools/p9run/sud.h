// Syscall User Dispatch: how guest SYSCALL instructions reach p9run.
//
// prctl(PR_SET_SYSCALL_USER_DISPATCH) (Linux >= 5.11) turns every SYSCALL made while the
// selector byte says BLOCK into SIGSYS, except from one allowed address range. p9run keeps the
// selector at BLOCK while guest code runs and at ALLOW while its own code runs: every handler
// sets ALLOW first and puts back what it found last. The return from a handler (rt_sigreturn)
// happens after the selector is back at BLOCK, so p9run installs its handlers with its own
// restorer and makes that restorer the allowed range. The kernel compares the address *after*
// the SYSCALL instruction with the range, so the range covers one byte past it.
//
// Host signals that p9run uses inside a guest proc:
//   SIGSYS                          a guest system call (dispatch.cc)
//   SIGSEGV SIGBUS SIGILL SIGFPE    guest faults, which become "sys: trap: ..." notes (faults.cc)
//   SIGTRAP
//   SIGURG                          the note doorbell: a note was posted to this proc (notes.cc)
//   SIGALRM                         alarm(2) expired (sys_time.cc)
// All handlers run on an alternate stack, never on the guest's. The doorbell and SIGALRM are
// blocked while p9run code runs, except inside a blocking wait (BlockingWindow).
#pragma once

#include <signal.h>

#include <cerrno>
#include <cstdint>

namespace p9run {

inline constexpr int kDoorbell = SIGURG;

// The selector byte the kernel reads (0 = allow, 1 = block).
extern volatile uint8_t g_selector;

// Marks p9run code for the life of a signal handler: the selector is ALLOW inside and returns to
// its previous value on exit; errno is kept for the p9run code a handler may interrupt. Must be
// the first object a handler creates.
class HostCode {
 public:
  HostCode() : saved_(g_selector) {
    g_selector = 0;
    errno_ = errno;
  }
  ~HostCode() {
    errno = errno_;
    g_selector = saved_;
  }
  HostCode(const HostCode&) = delete;
  HostCode& operator=(const HostCode&) = delete;
  // True when the handler interrupted guest code.
  bool from_guest() const { return saved_ != 0; }

 private:
  uint8_t saved_;
  int errno_;
};

using Handler = void (*)(int, siginfo_t*, void*);

// Installs `fn` for `sig` with p9run's restorer, on the alternate stack, with the doorbell and
// SIGALRM blocked while it runs.
bool install_handler(int sig, Handler fn);

// Sets up this process's alternate signal stack.
bool setup_altstack();

// Turns dispatch on for this process (again after a fork: the setting is per task).
bool sud_enable();

// Turns it off (before exec of a host program).
void sud_disable();

// The doorbell and SIGALRM.
sigset_t async_signals();

// Lets the doorbell and SIGALRM in for a blocking wait; they are blocked again on exit.
class BlockingWindow {
 public:
  BlockingWindow();
  ~BlockingWindow();
  BlockingWindow(const BlockingWindow&) = delete;
  BlockingWindow& operator=(const BlockingWindow&) = delete;
};

// Switches to the guest: stack `sp`, RAX = `rax`, jump to `entry`; every other register zero,
// the x87 and SSE control words as 9front's fpinit leaves them (pc64/fpu.c: 0x232, 0x1900).
[[noreturn]] void enter_guest(uint64_t entry, uint64_t sp, uint64_t rax);

}  // namespace p9run
