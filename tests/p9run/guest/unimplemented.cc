// A system call p9run does not implement fails with an error string naming it and one warning
// per call number on standard error; a number that is no Plan 9 system call is what 9front calls
// a bad system call: the note "sys: bad sys call" and the error "bad arg in system call".
#include "p9.h"

namespace {
char seen[128];
}

extern "C" long p9_note_dispatch(Ureg*, char* note) {
  unsigned long i = 0;
  for (; note[i] != 0 && !has_prefix(note + i, " pc=") && i < sizeof seen - 1; ++i)
    seen[i] = note[i];
  seen[i] = 0;
  return NCONT;
}

namespace {
void show(const char* what, long r) {
  print(what);
  print(": ");
  printn(r);
  print(" ");
  print(errstr());
  print("\n");
}
}  // namespace

int main(int, char**) {
  sys_notify(p9_note_trampoline);
  show("bind", p9_syscall(2, long("/a"), long("/b"), 0));
  show("bind again", p9_syscall(2, long("/a"), long("/b"), 0));
  show("mount", p9_syscall(46, 0, -1, long("/n"), 0, long("")));
  show("call 60", p9_syscall(60));
  print("note: ");
  print(seen);
  print("\n");
  return 0;
}
