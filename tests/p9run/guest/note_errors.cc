// The limits of writing notes (9front port/devproc.c): 128 bytes or more is "read or write too
// large"; an unknown pid does not exist; notepg is write-only. Reading /proc/N/note takes the
// oldest pending note off the queue, and it is then never delivered.
#include "p9.h"

namespace {
char log[1024];
unsigned long used;
int delivered;

void record(const char* s) {
  while (*s != 0 && used < sizeof log - 2) log[used++] = *s++;
}

void show(const char* what, long r) {
  record(what);
  record(": ");
  record(r < 0 ? errstr() : "ok");
  record("\n");
}

void proc_file(char* path, const char* file) {
  memcpy(path, "/proc/", 7);
  fmt_int(path + 6, mypid());
  const unsigned long n = strlen(path);
  path[n] = '/';
  memcpy(path + n + 1, file, strlen(file) + 1);
}
}  // namespace

extern "C" long p9_note_dispatch(Ureg*, char* note) {
  ++delivered;
  if (!streq(note, "start")) {
    record("delivered: ");
    record(note);
    record("\n");
    return NCONT;
  }
  // Inside the handler user notes are held, so these stay pending.
  char big[129];
  memset(big, 'x', 128);
  big[128] = 0;
  show("128 bytes", post_note(mypid(), big));
  big[127] = 0;
  show("127 bytes", post_note(mypid(), big));
  char path[64];
  proc_file(path, "note");
  const long fd = sys_open(path, OREAD);
  char buf[200] = {};
  const long n = sys_pread(int(fd), buf, sizeof buf, -1);
  sys_close(int(fd));
  record("read back ");
  char num[24];
  fmt_int(num, n);
  record(num);
  record(" bytes\n");
  return NCONT;
}

int main(int, char**) {
  show("no such pid", post_note(999999, "x"));
  char path[64];
  proc_file(path, "notepg");
  show("notepg opened for reading", sys_open(path, OREAD));
  sys_notify(p9_note_trampoline);
  post_note(mypid(), "start");
  record(delivered == 1 ? "nothing else delivered\n" : "the note read back was delivered\n");
  log[used] = 0;
  print(log);
  return 0;
}
