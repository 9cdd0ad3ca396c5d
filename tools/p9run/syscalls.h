// One Plan 9 system call as p9run sees it, and the functions that implement them.
//
// The guest puts the call number in RBP and its arguments in 8-byte slots from 8(SP) (pc64/l.s
// syscallentry, pc64/trap.c syscall); the result goes back in RAX, and -1 means the error string
// says why. Implementations are grouped by subject: sys_fd.cc (files), sys_proc.cc (procs,
// notes, errors), sys_time.cc, sys_sync.cc (semaphores, rendezvous), sys_mem.cc.
#pragma once

#include <signal.h>
#include <ucontext.h>

#include <cstdint>

namespace p9run {

struct Call {
  ucontext_t* uc = nullptr;
  uint64_t num = 0;
  uint64_t args[6] = {};
  int64_t ret = 0;
  bool set_ret = true;  // false when the call loaded new registers (noted, exec)
  bool notify = true;   // deliver notes on the way out (9front skips it after rfork)

  uint64_t u64(int i) const { return args[i]; }
  int32_t i32(int i) const { return static_cast<int32_t>(args[i] & 0xffffffff); }
  uint32_t u32(int i) const { return static_cast<uint32_t>(args[i] & 0xffffffff); }
  int64_t i64(int i) const { return static_cast<int64_t>(args[i]); }
  // Fails the call with error `msg`.
  void fail(const char* msg);
  // Fails it with the error for errno.
  void fail_errno();
};

// A bad pointer: 9front validaddr prints "invalid address", posts "sys: bad address in syscall"
// and fails the call with "bad arg in system call".
void bad_address(Call& c, uint64_t addr, uint64_t len);

using SysFn = void (*)(Call&);

// Files.
void sys_open(Call& c);
void sys_create(Call& c);
void sys_close(Call& c);
void sys_dup(Call& c);
void sys_pipe(Call& c);
void sys_pread(Call& c);
void sys_pwrite(Call& c);
void sys_read_old(Call& c);
void sys_write_old(Call& c);
void sys_seek(Call& c);
void sys_oseek(Call& c);
void sys_fd2path(Call& c);
void sys_remove(Call& c);
void sys_chdir(Call& c);
void sys_stat(Call& c);
void sys_fstat(Call& c);
void sys_wstat(Call& c);
void sys_fwstat(Call& c);
// Procs, notes, errors.
void sys_rfork(Call& c);
void sys_exec(Call& c);
void sys_exits(Call& c);
void sys_await(Call& c);
void sys_errstr(Call& c);
void sys_errstr_old(Call& c);
void sys_notify(Call& c);
void sys_noted(Call& c);
// Time.
void sys_sleep(Call& c);
void sys_alarm(Call& c);
void sys_nsec(Call& c);
// Synchronisation.
void sys_semacquire(Call& c);
void sys_tsemacquire(Call& c);
void sys_semrelease(Call& c);
void sys_rendezvous(Call& c);
// Memory.
void sys_brk(Call& c);
void sys_segattach(Call& c);
void sys_segdetach(Call& c);
void sys_segfree(Call& c);
void sys_segflush(Call& c);

// The SIGSYS handler.
void on_sigsys(int sig, siginfo_t* si, void* ctx);

}  // namespace p9run
