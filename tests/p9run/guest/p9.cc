// The helpers of p9.h.
#include "p9.h"

extern "C" void* memset(void* d, int c, unsigned long n) {
  auto* p = static_cast<volatile unsigned char*>(d);
  while (n-- > 0) *p++ = static_cast<unsigned char>(c);
  return d;
}

extern "C" void* memcpy(void* d, const void* s, unsigned long n) {
  auto* p = static_cast<volatile unsigned char*>(d);
  const auto* q = static_cast<const unsigned char*>(s);
  while (n-- > 0) *p++ = *q++;
  return d;
}

extern "C" unsigned long strlen(const char* s) {
  unsigned long n = 0;
  while (s[n] != 0) ++n;
  return n;
}

extern "C" [[noreturn]] void p9_exits_main(const char* msg) {
  sys_exits(msg);
}

void sys_exits(const char* msg) {
  p9_syscall(8, long(msg));
  for (;;) {
  }
}

int mypid() {
  return *reinterpret_cast<const unsigned*>(p9_tos + 64);
}

void print(const char* s) {
  sys_pwrite(1, s, long(strlen(s)), -1);
}
void eprint(const char* s) {
  sys_pwrite(2, s, long(strlen(s)), -1);
}

void fmt_int(char* out, long v) {
  char tmp[24];
  int n = 0;
  bool neg = v < 0;
  unsigned long u = neg ? 0ul - static_cast<unsigned long>(v) : static_cast<unsigned long>(v);
  do {
    tmp[n++] = char('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (neg) *out++ = '-';
  while (n > 0) *out++ = tmp[--n];
  *out = 0;
}

void printn(long v) {
  char buf[24];
  fmt_int(buf, v);
  print(buf);
}

bool streq(const char* a, const char* b) {
  while (*a != 0 && *a == *b) ++a, ++b;
  return *a == *b;
}

bool has_prefix(const char* s, const char* p) {
  while (*p != 0)
    if (*s++ != *p++) return false;
  return true;
}

const char* errstr() {
  static char buf[128];
  buf[0] = 0;
  sys_errstr(buf, sizeof buf);
  return buf;
}

long post_note(int pid, const char* note, const char* file) {
  char path[64] = "/proc/";
  fmt_int(path + 6, pid);
  unsigned long n = strlen(path);
  path[n++] = '/';
  for (const char* f = file; *f != 0;) path[n++] = *f++;
  path[n] = 0;
  const long fd = sys_open(path, OWRITE);
  if (fd < 0) return -1;
  const long r = sys_pwrite(int(fd), note, long(strlen(note)), -1);
  sys_close(int(fd));
  return r < 0 ? -1 : 0;
}

// Defaults for programs that do not use notes.
extern "C" __attribute__((weak)) long p9_note_dispatch(Ureg*, char*) {
  return NDFLT;
}
extern "C" __attribute__((weak)) void p9_notecont_dispatch(Ureg*) {
  sys_exits("no notecont");
}
