// Notes are held while a handler runs, queue up to NNOTE (5), and the sixth is refused with
// "note not posted" (9front port/proc.c pushnote, port/devproc.c procwrite). Once the handler
// ends with noted(NCONT), the held notes arrive one by one, in order.
#include "p9.h"

namespace {
char log[512];
unsigned long used;
int calls;
const char* sixth = "sixth posted";

void record(const char* s) {
  while (*s != 0 && used < sizeof log - 2) log[used++] = *s++;
  log[used++] = '\n';
}
}  // namespace

extern "C" long p9_note_dispatch(Ureg*, char* note) {
  record(note);
  if (++calls == 1) {
    static const char* const more[] = {"n1", "n2", "n3", "n4", "n5"};
    for (const char* n : more)
      if (post_note(mypid(), n) < 0) record("a held note was refused");
    if (post_note(mypid(), "n6") < 0) sixth = errstr();
  }
  return NCONT;
}

int main(int, char**) {
  sys_notify(p9_note_trampoline);
  post_note(mypid(), "first");
  log[used] = 0;
  print(log);
  print("sixth: ");
  print(sixth);
  print("\n");
  return 0;
}
