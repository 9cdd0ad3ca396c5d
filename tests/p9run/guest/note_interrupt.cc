// A note interrupts a blocked system call, which fails with "interrupted" (9front port/proc.c
// sleep and interrupted(); rendezvous, semacquire, pipe reads and await all sleep there). The
// note here is "alarm", from alarm(2).
#include "p9.h"

namespace {
int alarms;
int zero;
int ready;
}  // namespace

extern "C" long p9_note_dispatch(Ureg*, char* note) {
  if (streq(note, "alarm")) ++alarms;
  return NCONT;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "sleep";
  sys_notify(p9_note_trampoline);
  int child = 0;
  if (streq(mode, "await")) {
    child = int(sys_rfork(RFPROC | RFMEM));
    if (child == 0) {
      sys_semrelease(&ready, 1);
      for (;;) sys_sleep(1000);
    }
    sys_semacquire(&ready, 1);
  }
  const vlong start = sys_nsec();
  sys_alarm(100);
  long r = 0;
  char buf[256];
  int fd[2];
  if (streq(mode, "sleep")) r = sys_sleep(5000);
  if (streq(mode, "semacquire")) r = sys_semacquire(&zero, 1);
  if (streq(mode, "tsemacquire")) r = p9_syscall(52, long(&zero), 5000);
  if (streq(mode, "rendezvous")) r = sys_rendezvous(0x1234, 1);
  if (streq(mode, "pipe")) sys_pipe(fd), r = sys_pread(fd[0], buf, sizeof buf, -1);
  if (streq(mode, "await")) r = sys_await(buf, sizeof buf);
  const char* err = errstr();
  const vlong ms = (sys_nsec() - start) / 1000000;
  print(mode);
  print(": ");
  printn(r);
  print(" ");
  print(err);
  print(ms >= 50 && ms < 2000 ? " after the alarm" : " at the wrong time");
  print(alarms == 1 ? ", handler ran\n" : ", handler did not run\n");
  if (child > 0) {
    post_note(child, "kill", "ctl");
    sys_await(buf, sizeof buf);
  }
  return 0;
}
