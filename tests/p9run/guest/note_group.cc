// A note written to /proc/N/notepg reaches every proc of the note group except the writer
// (9front port/proc.c postnotepg); rfork(RFNOTEG) leaves the group. The handler is inherited by
// rfork children.
#include "p9.h"

namespace {
int parent;
int ready;
int child_pid[2];
volatile int pinged[2];
char note_seen[2][128];
}  // namespace

extern "C" long p9_note_dispatch(Ureg*, char* note) {
  if (mypid() == parent) sys_exits("the writer got its own notepg note");
  const int k = mypid() == child_pid[0] ? 0 : 1;
  unsigned long i = 0;
  for (; note[i] != 0 && i < sizeof note_seen[k] - 1; ++i) note_seen[k][i] = note[i];
  note_seen[k][i] = 0;
  pinged[k] = 1;
  return NCONT;
}

namespace {
[[noreturn]] void child(int k) {
  child_pid[k] = mypid();
  if (k == 1) sys_rfork(RFNOTEG);
  sys_semrelease(&ready, 1);
  for (int i = 0; i < 10 && !pinged[k]; ++i) sys_sleep(100);
  if (!pinged[k]) sys_exits("no note");
  char msg[160] = "got ";
  memcpy(msg + 4, note_seen[k], strlen(note_seen[k]) + 1);
  sys_exits(msg);
}

void report(const char* who) {
  char buf[256];
  const long n = sys_await(buf, sizeof buf);
  if (n < 0) return;
  buf[n] = 0;
  if (n > 0 && buf[n - 1] == '\'') buf[n - 1] = 0;
  // "pid utime stime rtime 'note_group pid: got ping'": print what follows the ": ".
  const char* p = buf;
  while (*p != 0 && !has_prefix(p, ": ")) ++p;
  print(who);
  print(*p != 0 ? p + 2 : "exited with no message");
  print("\n");
}
}  // namespace

int main(int, char**) {
  parent = mypid();
  sys_notify(p9_note_trampoline);
  if (sys_rfork(RFPROC | RFMEM) == 0) child(0);
  sys_semacquire(&ready, 1);
  if (sys_rfork(RFPROC | RFMEM) == 0) child(1);
  sys_semacquire(&ready, 1);
  if (post_note(mypid(), "ping", "notepg") < 0) sys_exits("cannot write notepg");
  report("same group: ");
  report("own group: ");
  return 0;
}
