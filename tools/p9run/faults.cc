// Guest faults become "sys: trap: ..." notes.
//
// On 9front a fault in user code posts a system note (NDebug) to the proc and delivers it at
// once (pc64/trap.c faultnote, usertrap; pc64/fpu.c mathnote); with no handler, or inside the
// handler, the proc dies with "suicide: <note>" on standard error. Here the Linux fault signals
// carry the same information: the address and the page-fault error code (bit 1 = write).
#include "faults.h"

#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

#include "notes.h"
#include "proc.h"
#include "sud.h"

namespace p9run {
namespace {

// 9front pc64/fpu.c mathnote: the first exception bit set names the note.
const char* simd_message(uint32_t status) {
  static constexpr const char* kNames[] = {nullptr,
                                           "denormalized operand",
                                           "division by zero",
                                           "numeric overflow",
                                           "numeric underflow",
                                           "precision loss"};
  for (int i = 1; i <= 5; ++i)
    if (status & (1u << i)) return kNames[i];
  if (status & 1) return "invalid operation";
  return "unknown exception";
}

std::string trap_note(int sig, const siginfo_t& si, const ucontext_t& uc) {
  const auto addr = reinterpret_cast<uint64_t>(si.si_addr);
  const auto pc = static_cast<uint64_t>(uc.uc_mcontext.gregs[REG_RIP]);
  const bool write = (uc.uc_mcontext.gregs[REG_ERR] & 2) != 0;
  switch (sig) {
    case SIGSEGV:
      if (si.si_code == SI_KERNEL) return "sys: trap: general protection violation";
      return fmt::format("sys: trap: fault {} addr={:#x}", write ? "write" : "read", addr);
    case SIGBUS:
      if (si.si_code == BUS_ADRALN) return "sys: trap: alignment check";
      return fmt::format("sys: trap: fault {} addr={:#x}", write ? "write" : "read", addr);
    case SIGILL: return "sys: trap: invalid opcode";
    case SIGFPE:
      if (si.si_code == FPE_INTDIV) return "sys: trap: divide error";
      if (si.si_code == FPE_INTOVF) return "sys: trap: overflow";
      {
        const uint32_t status =
            uc.uc_mcontext.fpregs != nullptr ? uc.uc_mcontext.fpregs->mxcsr & 0x3f : 0;
        return fmt::format("sys: fp: {} fppc={:#x} status={:#x}", simd_message(status), pc, status);
      }
    case SIGTRAP:
      if (si.si_code == TRAP_TRACE) return "sys: debug exception dr6=0x00004000";
      return "sys: breakpoint";
    default: return fmt::format("sys: trap: signal {}", sig);
  }
}

// A fault in p9run's own code is a p9run bug: say where, then die with the signal.
[[noreturn]] void host_fault(int sig, const siginfo_t& si, const ucontext_t& uc) {
  const auto msg = fmt::format("p9run: internal error: signal {} at pc={:#x} addr={}\n", sig,
                               uc.uc_mcontext.gregs[REG_RIP], si.si_addr);
  log_line(msg);
  signal(SIGABRT, SIG_DFL);
  abort();
}

void on_fault(int sig, siginfo_t* si, void* ctx) {
  HostCode host;
  auto* uc = static_cast<ucontext_t*>(ctx);
  if (!host.from_guest()) host_fault(sig, *si, *uc);
  post_note(up.slot, trap_note(sig, *si, *uc), kNDebug);
  notify(uc);
}

}  // namespace

bool install_fault_handlers() {
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP})
    if (!install_handler(sig, on_fault)) return false;
  return true;
}

}  // namespace p9run
