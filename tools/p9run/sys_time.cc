// Time system calls: sleep, alarm, _nsec.
//
// sleep blocks until its time is up or a note arrives, then fails with "interrupted" (9front
// port/sysproc.c syssleep, port/proc.c tsleep); sleep(0) yields. alarm posts the note "alarm"
// when it expires (port/alarm.c) and returns the milliseconds left of the previous alarm; a
// Linux interval timer per proc (each proc is a process) does the timing. _nsec returns the time
// of day in nanoseconds in RAX on 64-bit machines (sys_nsec), ignoring its argument.
#include <sched.h>
#include <sys/time.h>

#include <ctime>

#include "notes.h"
#include "plan9.h"
#include "syscalls.h"

namespace p9run {

void sys_sleep(Call& c) {
  const int32_t ms = c.i32(0);
  if (ms <= 0) {
    sched_yield();
    c.ret = 0;
    return;
  }
  const int64_t deadline = mono_ns() + int64_t{ms} * 1'000'000;
  for (;;) {
    const int64_t left = deadline - mono_ns();
    if (left <= 0) break;
    if (wait_or_note(nullptr, 0, left) == Wake::kInterrupted) return c.fail(err::kIntr);
  }
  c.ret = 0;
}

void sys_alarm(Call& c) {
  const uint32_t ms = c.u32(0);
  itimerval now{};
  itimerval old{};
  now.it_value.tv_sec = ms / 1000;
  now.it_value.tv_usec = static_cast<suseconds_t>(ms % 1000) * 1000;
  setitimer(ITIMER_REAL, &now, &old);
  c.ret = int64_t{old.it_value.tv_sec} * 1000 + (old.it_value.tv_usec + 999) / 1000;
}

void sys_nsec(Call& c) {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  const int64_t ns = int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
  c.ret = ns;  // like 9front on 64-bit machines; the argument is not written
}

}  // namespace p9run
