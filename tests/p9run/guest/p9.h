// A minimal freestanding Plan 9 amd64 runtime for p9run's hand-made test programs: system
// calls, printing, and note helpers. No libc, no exceptions, no floating point (a note handler
// must not touch the FPU on 9front), nothing that needs global constructors.
#pragma once

using uintptr = unsigned long;
using vlong = long long;

// Ureg (amd64/include/ureg.h).
struct Ureg {
  uintptr ax, bx, cx, dx, si, di, bp, r8, r9, r10, r11, r12, r13, r14, r15;
  unsigned short ds, es, fs, gs;
  uintptr type, error, pc, cs, flags, sp, ss;
};
static_assert(sizeof(Ureg) == 184);

enum { NCONT = 0, NDFLT = 1, NSAVE = 2, NRSTR = 3 };
enum { OREAD = 0, OWRITE = 1, ORDWR = 2 };
enum { RFNOTEG = 8, RFPROC = 16, RFMEM = 32, RFNOWAIT = 64, RFFDG = 4 };

extern "C" {
// Freestanding compilers do not treat main specially; give it C linkage for _start.
int main(int argc, char** argv);
long p9_syscall(long num, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0);
void p9_note_trampoline();
void p9_notecont();
extern uintptr p9_tos, p9_note_sp, p9_note_rbp;
// Provided by the test program when it uses notes.
long p9_note_dispatch(Ureg* u, char* note);
void p9_notecont_dispatch(Ureg* u);
void* memset(void* d, int c, unsigned long n);
void* memcpy(void* d, const void* s, unsigned long n);
unsigned long strlen(const char* s);
[[noreturn]] void p9_exits_main(const char*);
}

// System calls (numbers from sys/src/libc/9syscall/sys.h).
inline long sys_open(const char* name, int mode) {
  return p9_syscall(14, long(name), mode);
}
inline long sys_close(int fd) {
  return p9_syscall(4, fd);
}
inline long sys_pread(int fd, void* buf, long n, vlong off) {
  return p9_syscall(50, fd, long(buf), n, off);
}
inline long sys_pwrite(int fd, const void* buf, long n, vlong off) {
  return p9_syscall(51, fd, long(buf), n, off);
}
inline long sys_pipe(int* fd) {
  return p9_syscall(21, long(fd));
}
inline long sys_errstr(char* buf, unsigned n) {
  return p9_syscall(41, long(buf), n);
}
inline long sys_notify(void (*fn)()) {
  return p9_syscall(28, long(fn));
}
inline long sys_noted(long v) {
  return p9_syscall(29, v);
}
inline long sys_rfork(int flags) {
  return p9_syscall(19, flags);
}
inline long sys_sleep(long ms) {
  return p9_syscall(17, ms);
}
inline long sys_alarm(unsigned long ms) {
  return p9_syscall(6, long(ms));
}
inline long sys_semacquire(int* addr, int block) {
  return p9_syscall(37, long(addr), block);
}
inline long sys_semrelease(int* addr, int n) {
  return p9_syscall(38, long(addr), n);
}
inline long sys_rendezvous(uintptr tag, uintptr val) {
  return p9_syscall(34, long(tag), long(val));
}
inline long sys_await(char* buf, int n) {
  return p9_syscall(47, long(buf), n);
}
inline vlong sys_nsec() {
  return p9_syscall(53);
}
[[noreturn]] void sys_exits(const char* msg);

// Helpers.
int mypid();                 // from the Tos
void print(const char* s);   // to standard output
void printn(long v);         // a decimal number
void eprint(const char* s);  // to standard error
bool streq(const char* a, const char* b);
bool has_prefix(const char* s, const char* p);
const char* errstr();             // the last error (a static buffer)
void fmt_int(char* out, long v);  // decimal, NUL-terminated
long post_note(int pid, const char* note, const char* file = "note");  // writes /proc/pid/file
