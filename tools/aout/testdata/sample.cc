// A Plan 9 program without the runtime, for tools/aout's test: text, read-only data,
// initialised data, bss and a constructor (.init_array), linked with cmake/plan9/plan9-amd64.ld
// by the host compiler. It only ever exits; the test checks its a.out, it does not run it.
extern "C" {
long counter = 5;                         // .data
char buffer[10000];                       // .bss
extern const char message[];              // .rodata
const char message[] = "sample program";  // .rodata
[[noreturn]] void _start();
}

namespace {
__attribute__((constructor)) void init() {
  buffer[0] = message[counter];
}
}  // namespace

// exits(nil): call number in RBP, the argument in the stack slot above the return address.
void _start() {
  asm volatile("subq $16, %%rsp\n\tmovq $0, 8(%%rsp)\n\tmovq $8, %%rbp\n\tsyscall" ::: "memory");
  __builtin_unreachable();
}
