// The SIGSYS handler: decode a trapped Plan 9 system call, run it, deliver notes.
//
// It mirrors 9front pc64/trap.c syscall(): read the number from RBP and six argument slots from
// SP+8, call the implementation, put the result in RAX, then deliver pending notes (notify) on
// the way back to guest code, except after rfork. Calls that p9run does not implement fail with
// an error string naming them and print one warning per call number per session; numbers that
// are not Plan 9 system calls at all are what 9front calls a bad system call.
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "errors.h"
#include "guestmem.h"
#include "notes.h"
#include "plan9.h"
#include "proc.h"
#include "session.h"
#include "sud.h"
#include "syscalls.h"

namespace p9run {
namespace {

void unimplemented(Call& c) {
  const std::string_view name = sys_name(c.num);
  const uint64_t bit = uint64_t{1} << (c.num & 63);
  if ((g_session->warned.fetch_or(bit) & bit) == 0) {
    const auto msg = fmt::format("p9run: warning: {}: system call {} ({}) is not implemented\n",
                                 up.text, name, c.num);
    log_line(msg);
  }
  c.fail(fmt::format("p9run: {} not implemented", name).c_str());
}

constexpr std::array<SysFn, kNumSys> make_table() {
  std::array<SysFn, kNumSys> t{};
  for (auto& f : t) f = unimplemented;
  t[k_Errstr] = sys_errstr_old;
  t[kChdir] = sys_chdir;
  t[kClose] = sys_close;
  t[kDup] = sys_dup;
  t[kAlarm] = sys_alarm;
  t[kExec] = sys_exec;
  t[kExits] = sys_exits;
  t[kOpen] = sys_open;
  t[k_Read] = sys_read_old;
  t[kOseek] = sys_oseek;
  t[kSleep] = sys_sleep;
  t[kRfork] = sys_rfork;
  t[k_Write] = sys_write_old;
  t[kPipe] = sys_pipe;
  t[kCreate] = sys_create;
  t[kFd2path] = sys_fd2path;
  t[kBrk] = sys_brk;
  t[kRemove] = sys_remove;
  t[kNotify] = sys_notify;
  t[kNoted] = sys_noted;
  t[kSegattach] = sys_segattach;
  t[kSegdetach] = sys_segdetach;
  t[kSegfree] = sys_segfree;
  t[kSegflush] = sys_segflush;
  t[kRendezvous] = sys_rendezvous;
  t[kSemacquire] = sys_semacquire;
  t[kSemrelease] = sys_semrelease;
  t[kSeek] = sys_seek;
  t[kErrstr] = sys_errstr;
  t[kStat] = sys_stat;
  t[kFstat] = sys_fstat;
  t[kWstat] = sys_wstat;
  t[kFwstat] = sys_fwstat;
  t[kAwait] = sys_await;
  t[kPread] = sys_pread;
  t[kPwrite] = sys_pwrite;
  t[kTsemacquire] = sys_tsemacquire;
  t[k_Nsec] = sys_nsec;
  return t;
}

constexpr std::array<SysFn, kNumSys> kTable = make_table();

// The name argument of calls that take one, for the trace.
std::string name_arg(const Call& c) {
  std::string name;
  switch (c.num) {
    case kOpen:
    case kCreate:
    case kStat:
    case kRemove:
    case kChdir:
    case kExec:
    case kWstat:
      if (guest_string(c.args[0], 256, name)) return fmt::format("\"{}\"", name);
      break;
    default: break;
  }
  return fmt::format("{:#x}", c.args[0]);
}

void trace(const Call& c, const std::string& first) {
  std::string line =
      fmt::format("p9run[{}]: {}({}, {:#x}, {:#x}, {:#x}) = {}", up.pid, sys_name(c.num), first,
                  c.args[1], c.args[2], c.args[3], c.set_ret ? c.ret : 0);
  if (c.set_ret && c.ret == -1) line += fmt::format(" \"{}\"", up.errstr);
  line += '\n';
  log_line(line);
}

}  // namespace

std::string_view sys_name(uint64_t n) {
  // clang-format off
  static constexpr std::string_view kNames[kNumSys] = {
      "sysr1",      "_errstr",    "bind",       "chdir",       "close",    "dup",        // 0
      "alarm",      "exec",       "exits",      "_fsession",   "fauth",    "_fstat",     // 6
      "segbrk",     "_mount",     "open",       "_read",       "oseek",    "sleep",      // 12
      "_stat",      "rfork",      "_write",     "pipe",        "create",   "fd2path",    // 18
      "brk_",       "remove",     "_wstat",     "_fwstat",     "notify",   "noted",      // 24
      "segattach",  "segdetach",  "segfree",    "segflush",    "rendezvous", "unmount",  // 30
      "_wait",      "semacquire", "semrelease", "seek",        "fversion", "errstr",     // 36
      "stat",       "fstat",      "wstat",      "fwstat",      "mount",    "await",      // 42
      "",           "",           "pread",      "pwrite",      "tsemacquire", "_nsec"};  // 48
  // clang-format on
  return n < kNumSys ? kNames[n] : std::string_view();
}

void Call::fail(const char* msg) {
  set_error(msg);
  ret = -1;
}

void Call::fail_errno() {
  set_errno_error();
  ret = -1;
}

void bad_address(Call& c, uint64_t addr, uint64_t len) {
  pprint(fmt::format("invalid address {:#x}/{} in sys call pc={:#x}", addr, len,
                     c.uc->uc_mcontext.gregs[REG_RIP])
             .c_str());
  post_note(up.slot, "sys: bad address in syscall", kNDebug);
  c.fail(err::kBadarg);
}

void on_sigsys(int, siginfo_t*, void* ctx) {
  HostCode host;
  Call c;
  c.uc = static_cast<ucontext_t*>(ctx);
  auto& gregs = c.uc->uc_mcontext.gregs;
  c.num = static_cast<uint64_t>(gregs[REG_RBP]);
  const auto sp = static_cast<uint64_t>(gregs[REG_RSP]);
  if (!guest_ok(sp + 8, sizeof c.args, Access::kRead)) {
    bad_address(c, sp, sizeof c.args + 8);
  } else {
    std::memcpy(c.args, guest_ptr<const void>(sp + 8), sizeof c.args);
    if (c.num >= kNumSys || sys_name(c.num).empty()) {
      post_note(up.slot, "sys: bad sys call", kNDebug);
      c.fail(err::kBadarg);
    } else {
      const std::string first = g_session->debug ? name_arg(c) : std::string();
      kTable[c.num](c);
      if (g_session->debug) trace(c, first);
    }
  }
  if (c.set_ret) gregs[REG_RAX] = c.ret;
  if (c.notify) notify(c.uc);
}

}  // namespace p9run
