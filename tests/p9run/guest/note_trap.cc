// Faults become system notes: "sys: trap: fault read addr=0x0 pc=0x...", and so on (9front
// pc64/trap.c faultnote, usertrap). A handler can recover; with no handler, or a fault inside
// the handler, the proc dies with "suicide: <note>" on standard error.
#include "p9.h"

extern "C" char fault_read_resume[], fault_write_resume[], divide_resume[];

namespace {
char seen[128];

__attribute__((noinline)) void fault_read() {
  asm volatile(
      "xor %%eax, %%eax\n\t"
      "mov (%%rax), %%rax\n\t"
      ".globl fault_read_resume\n"
      "fault_read_resume:" ::
          : "rax", "memory");
}

__attribute__((noinline)) void fault_write() {
  asm volatile(
      "mov $8, %%eax\n\t"
      "movq $1, (%%rax)\n\t"
      ".globl fault_write_resume\n"
      "fault_write_resume:" ::
          : "rax", "memory");
}

__attribute__((noinline)) void divide() {
  asm volatile(
      "xor %%ecx, %%ecx\n\t"
      "mov $1, %%eax\n\t"
      "cltd\n\t"
      "idiv %%ecx\n\t"
      ".globl divide_resume\n"
      "divide_resume:" ::
          : "rax", "rcx", "rdx");
}

// The note without its " pc=..." suffix, which varies.
void keep(const char* note) {
  int i = 0;
  for (; note[i] != 0 && !has_prefix(note + i, " pc=0x") && i < 120; ++i) seen[i] = note[i];
  seen[i] = 0;
}
}  // namespace

extern "C" long p9_note_dispatch(Ureg* u, char* note) {
  if (streq(note, "boom")) fault_read();  // a fault inside the handler kills
  keep(note);
  if (has_prefix(note, "sys: trap: fault read"))
    u->pc = uintptr(fault_read_resume);
  else if (has_prefix(note, "sys: trap: fault write"))
    u->pc = uintptr(fault_write_resume);
  else if (has_prefix(note, "sys: trap: divide error"))
    u->pc = uintptr(divide_resume);
  else
    return NDFLT;
  return NCONT;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "read";
  if (!streq(mode, "nohandler")) sys_notify(p9_note_trampoline);
  if (streq(mode, "read") || streq(mode, "nohandler")) fault_read();
  if (streq(mode, "write")) fault_write();
  if (streq(mode, "divide")) divide();
  if (streq(mode, "inhandler")) post_note(mypid(), "boom");
  print("recovered from: ");
  print(seen);
  print("\n");
  return 0;
}
