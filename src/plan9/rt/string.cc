// The C memory and string functions that g++ emits calls to and libstdc++ headers use (memcpy,
// memmove, memset, memcmp, memchr, strlen, ...), with general registers only so that note
// handlers may call them (plan9-abi.md: any SSE instruction in a handler kills the process).
// The copies use REP MOVSB/STOSB, which needs no vector registers and is fast on current x86-64
// ("enhanced REP MOVSB", Intel optimization manual 3.7.6). The rt is also compiled with
// -fno-tree-loop-distribute-patterns so that g++ cannot turn these loops back into calls to
// themselves.
#include "rt.h"

extern "C" {

void* memcpy(void* dst, const void* src, std::size_t n) {
  void* d = dst;
  asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
  return dst;
}

void* memmove(void* dst, const void* src, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  auto* s = static_cast<const unsigned char*>(src);
  // Forwards unless dst overlaps the end of src (REP MOVSB copies byte by byte in order).
  if (d <= s || d >= s + n) return memcpy(dst, src, n);
  // Backwards by a plain loop, not STD; REP MOVSB: the direction flag is never set here, so a
  // note cannot interrupt this code and enter its handler with DF=1.
  while (n >= 8) {
    n -= 8;
    unsigned long long word;
    memcpy(&word, s + n, 8);
    memcpy(d + n, &word, 8);
  }
  while (n > 0) {
    n--;
    d[n] = s[n];
  }
  return dst;
}

void* memset(void* dst, int c, std::size_t n) {
  void* d = dst;
  asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
  return dst;
}

int memcmp(const void* a, const void* b, std::size_t n) {
  auto* x = static_cast<const unsigned char*>(a);
  auto* y = static_cast<const unsigned char*>(b);
  for (std::size_t i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

void* memchr(const void* s, int c, std::size_t n) {
  auto* p = static_cast<const unsigned char*>(s);
  for (std::size_t i = 0; i < n; i++)
    if (p[i] == static_cast<unsigned char>(c)) return const_cast<unsigned char*>(p + i);
  return nullptr;
}

std::size_t strlen(const char* s) {
  std::size_t n = 0;
  while (s[n] != 0) n++;
  return n;
}

std::size_t strnlen(const char* s, std::size_t max) {
  std::size_t n = 0;
  while (n < max && s[n] != 0) n++;
  return n;
}

int strcmp(const char* a, const char* b) {
  for (;; a++, b++) {
    const auto x = static_cast<unsigned char>(*a);
    const auto y = static_cast<unsigned char>(*b);
    if (x != y) return x < y ? -1 : 1;
    if (x == 0) return 0;
  }
}

int strncmp(const char* a, const char* b, std::size_t n) {
  for (; n > 0; n--, a++, b++) {
    const auto x = static_cast<unsigned char>(*a);
    const auto y = static_cast<unsigned char>(*b);
    if (x != y) return x < y ? -1 : 1;
    if (x == 0) return 0;
  }
  return 0;
}

char* strchr(const char* s, int c) {
  for (;; s++) {
    if (*s == static_cast<char>(c)) return const_cast<char*>(s);
    if (*s == 0) return nullptr;
  }
}

char* strrchr(const char* s, int c) {
  const char* found = nullptr;
  for (;; s++) {
    if (*s == static_cast<char>(c)) found = s;
    if (*s == 0) return const_cast<char*>(found);
  }
}

char* strcpy(char* dst, const char* src) {
  char* d = dst;
  while ((*d++ = *src++) != 0) {
  }
  return dst;
}

}  // extern "C"
