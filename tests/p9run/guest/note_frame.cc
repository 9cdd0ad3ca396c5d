// The note handler frame is the one 9front pc64/trap.c notify builds, S being the interrupted
// SP: the Ureg at U = S-256-184, the previous up->ureg at U-8, 128 bytes of note text at
// M = U-136, SP = M-24 with [SP]=0, [SP+8]=U, [SP+16]=M, and RBP = U.
#include "p9.h"

namespace {
char bad[512];
unsigned long used;
int checks;

void check(bool ok, const char* what) {
  ++checks;
  if (ok) return;
  while (*what != 0 && used < sizeof bad - 2) bad[used++] = *what++;
  bad[used++] = '\n';
}
}  // namespace

extern "C" long p9_note_dispatch(Ureg* u, char* note) {
  const uintptr sp = p9_note_sp;
  const auto* frame = reinterpret_cast<const uintptr*>(sp);
  check(frame[0] == 0, "[SP] is not 0");
  check(frame[1] == uintptr(u), "[SP+8] is not the Ureg");
  check(frame[2] == uintptr(note), "[SP+16] is not the note");
  check(p9_note_rbp == uintptr(u), "RBP is not the Ureg");
  check(uintptr(note) == uintptr(u) - 136, "the note is not at U-136");
  check(sp == uintptr(note) - 24, "SP is not M-24");
  check(uintptr(u) == u->sp - 256 - 184, "the Ureg is not at S-256-184");
  check(*reinterpret_cast<const uintptr*>(uintptr(u) - 8) == 0, "U-8 is not the old ureg (nil)");
  check(u->pc > 0x200028 && u->pc < 0x400000, "Ureg pc is not in text");
  check(u->ax == 5, "Ureg ax is not the result of the interrupted pwrite");
  check(streq(note, "frame"), "wrong note text");
  bool padded = true;
  for (int i = 5; i < 128; ++i) padded = padded && note[i] == 0;
  check(padded, "note text not padded with NULs to 128 bytes");
  return NCONT;
}

int main(int, char**) {
  sys_notify(p9_note_trampoline);
  post_note(mypid(), "frame");
  if (checks == 0) sys_exits("handler did not run");
  if (used > 0) {
    bad[used] = 0;
    print(bad);
    sys_exits("bad frame");
  }
  print("frame ok\n");
  return 0;
}
