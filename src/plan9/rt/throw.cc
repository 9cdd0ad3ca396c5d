// The std::__throw_* functions that libstdc++ headers call where they would throw (its
// bits/functexcept.h). With -fno-exceptions nothing can catch, so each prints what went wrong to
// fd 2 and ends the program, as libstdc++ itself does with exceptions disabled (abort). This
// makes the header-only parts of <vector>, <string>, <functional>, <optional> and the like usable.
#include <bits/functexcept.h>

#include <cstdarg>

#include "plan9.h"
#include "rt.h"

namespace {

[[noreturn]] void fail(const char* what, const char* detail) {
  plan9::fprint(2, "%s: %s%s%s\n", plan9::argv0 != nullptr ? plan9::argv0 : "plan9", what,
                detail != nullptr ? ": " : "", detail != nullptr ? detail : "");
  plan9_rt_die(what);
}

}  // namespace

namespace std {

void __throw_bad_exception() {
  fail("bad_exception", nullptr);
}
void __throw_bad_alloc() {
  fail("bad_alloc", nullptr);
}
void __throw_bad_array_new_length() {
  fail("bad_array_new_length", nullptr);
}
void __throw_bad_cast() {
  fail("bad_cast", nullptr);
}
void __throw_bad_typeid() {
  fail("bad_typeid", nullptr);
}
void __throw_logic_error(const char* s) {
  fail("logic_error", s);
}
void __throw_domain_error(const char* s) {
  fail("domain_error", s);
}
void __throw_invalid_argument(const char* s) {
  fail("invalid_argument", s);
}
void __throw_length_error(const char* s) {
  fail("length_error", s);
}
void __throw_out_of_range(const char* s) {
  fail("out_of_range", s);
}
void __throw_runtime_error(const char* s) {
  fail("runtime_error", s);
}
void __throw_range_error(const char* s) {
  fail("range_error", s);
}
void __throw_overflow_error(const char* s) {
  fail("overflow_error", s);
}
void __throw_underflow_error(const char* s) {
  fail("underflow_error", s);
}
void __throw_ios_failure(const char* s) {
  fail("ios_failure", s);
}
void __throw_ios_failure(const char* s, int) {
  fail("ios_failure", s);
}
void __throw_system_error(int) {
  fail("system_error", nullptr);
}
void __throw_future_error(int) {
  fail("future_error", nullptr);
}
void __throw_bad_function_call() {
  fail("bad_function_call", nullptr);
}

void __throw_out_of_range_fmt(const char* fmt, ...) {
  // libstdc++ formats these with %zu and %s only, which plan9::vsnprint handles.
  char buf[plan9::kErrMax];
  va_list ap;
  va_start(ap, fmt);
  plan9::vsnprint(buf, sizeof buf, fmt, ap);
  va_end(ap);
  fail("out_of_range", buf);
}

}  // namespace std
