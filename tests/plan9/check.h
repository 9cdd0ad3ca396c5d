// A minimal test harness for the Plan 9 test programs: CHECK(cond) counts and reports, and
// summary() prints the `N passed, N failed` line that scripts/run-9front looks for and returns
// main's exit status (non-zero gives a non-empty exit string).
#pragma once

#include "plan9.h"

// Under -ffreestanding g++ does not treat main as special, so -Wmissing-declarations wants a
// declaration; _start calls it with argc and argv.
int main(int argc, char** argv);

namespace p9test {

inline int passed = 0;
inline int failed = 0;

inline bool check(bool ok, const char* what, const char* file, int line) {
  if (ok) {
    passed++;
  } else {
    failed++;
    plan9::print("FAIL %s:%d: %s\n", file, line, what);
  }
  return ok;
}

inline int summary() {
  plan9::print("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

// Whether s ends with suffix.
inline bool ends_with(const char* s, const char* suffix) {
  std::size_t n = 0, m = 0;
  while (s[n] != 0) n++;
  while (suffix[m] != 0) m++;
  if (m > n) return false;
  for (std::size_t i = 0; i < m; i++)
    if (s[n - m + i] != suffix[i]) return false;
  return true;
}

inline bool equal(const char* a, const char* b) {
  while (*a != 0 && *a == *b) a++, b++;
  return *a == *b;
}

inline bool contains(const char* s, const char* part) {
  for (; *s != 0; s++) {
    std::size_t i = 0;
    while (part[i] != 0 && s[i] == part[i]) i++;
    if (part[i] == 0) return true;
  }
  return *part == 0;
}

}  // namespace p9test

#define CHECK(cond) ::p9test::check(static_cast<bool>(cond), #cond, __FILE__, __LINE__)
