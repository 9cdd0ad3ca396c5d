// With no handler, or when the handler answers noted(NDFLT), the note kills the proc and
// becomes its exit string (9front port/proc.c popnote, pc64/trap.c noted). With "sleep" the
// program waits for a note from outside (p9run turns SIGINT, SIGHUP, SIGTERM into notes).
#include "p9.h"

extern "C" long p9_note_dispatch(Ureg*, char*) {
  return NDFLT;
}

int main(int argc, char** argv) {
  if (argc > 1 && streq(argv[1], "ndflt")) sys_notify(p9_note_trampoline);
  if (argc > 1 && streq(argv[1], "bad")) sys_notify(p9_note_trampoline), sys_noted(77);
  if (argc > 1 && streq(argv[1], "sleep")) {
    print("sleeping\n");
    sys_sleep(20000);
    sys_exits("slept");
  }
  post_note(mypid(), "custom death");
  print("still alive\n");
  return 0;
}
