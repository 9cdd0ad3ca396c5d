// noted(NSAVE) ends the note but keeps the saved Ureg: execution goes on at the Ureg's pc as
// ordinary code (APE's notecont), where a new note is delivered at once (a nested handler), and
// noted(NRSTR) then returns to the interrupted code (9front pc64/trap.c noted; APE
// ap/amd64/notetramp.c).
#include "p9.h"

namespace {
char log[512];
unsigned long used;
Ureg saved;
Ureg* first;

void record(const char* s) {
  while (*s != 0 && used < sizeof log - 2) log[used++] = *s++;
  log[used++] = '\n';
}
}  // namespace

extern "C" long p9_note_dispatch(Ureg* u, char* note) {
  record(note);
  if (streq(note, "first")) {
    saved = *u;
    first = u;
    u->pc = uintptr(p9_notecont);
    return NSAVE;
  }
  return NCONT;
}

extern "C" void p9_notecont_dispatch(Ureg* u) {
  record(u == first ? "cont: ureg ok" : "cont: wrong ureg");
  // 9front: SP = ureg - 4*8 - ERRMAX, [SP+8] = ureg, RBP = ureg.
  record(p9_note_sp == uintptr(u) - 32 - 128 && p9_note_rbp == uintptr(u) ? "cont: frame ok"
                                                                          : "cont: bad frame");
  post_note(mypid(), "nested");
  record("cont: after nested");
  *u = saved;
  sys_noted(NRSTR);
  record("noted returned");
}

int main(int, char**) {
  sys_notify(p9_note_trampoline);
  volatile long before = 7;
  post_note(mypid(), "first");
  record(before == 7 ? "back" : "back, stack damaged");
  log[used] = 0;
  print(log);
  return 0;
}
