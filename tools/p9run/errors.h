// Plan 9 error strings for host failures.
//
// Plan 9 has no errno: a failing call returns -1 and the reason is a string that the program
// fetches with errstr. Programs (Go's os package among them) look for words in it such as
// "does not exist", "exists" or "permission denied", so host errno values are turned into the
// 9front kernel's own strings (port/error.h) where one fits.
#pragma once

#include <string_view>

namespace p9run {

// The Plan 9 text for host errno `e`.
const char* plan9_error(int e);

// Sets the calling proc's error string (what the next errstr call returns).
void set_error(std::string_view msg);

// Sets it from errno.
void set_errno_error();

}  // namespace p9run
