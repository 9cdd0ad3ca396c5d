// Writing "kill" to /proc/N/ctl ends the proc with "Killed" at once, without running its note
// handler (9front port/devproc.c procctlreq, port/proc.c procctl: pexit("Killed")).
#include "p9.h"

namespace {
int ready;
volatile int handled;
}  // namespace

extern "C" long p9_note_dispatch(Ureg*, char*) {
  handled = 1;
  return NCONT;
}

int main(int, char**) {
  sys_notify(p9_note_trampoline);
  const long pid = sys_rfork(RFPROC | RFMEM);
  if (pid == 0) {
    sys_semrelease(&ready, 1);
    for (;;) sys_sleep(1000);
  }
  sys_semacquire(&ready, 1);
  if (post_note(int(pid), "kill", "ctl") < 0) sys_exits("cannot write ctl");
  char buf[256];
  const long n = sys_await(buf, sizeof buf);
  buf[n < 0 ? 0 : n] = 0;
  if (n > 0 && buf[n - 1] == '\'') buf[n - 1] = 0;
  const char* p = buf;
  while (*p != 0 && !has_prefix(p, ": ")) ++p;
  print("child: ");
  print(*p != 0 ? p + 2 : buf);
  print(handled ? " (handler ran)\n" : " (no handler ran)\n");
  return 0;
}
