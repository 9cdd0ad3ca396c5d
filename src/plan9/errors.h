// Plan 9 has no errno: a failed system call leaves an error string (errstr(2)). Status carries
// an int, so each error string gets a number that errno_text() (common/text.h) turns back into
// the text: the kernel's strings that notes meet have fixed numbers, any other is remembered in
// a small table the first time it is seen.
#ifndef NOTES_PLAN9_ERRORS_H
#define NOTES_PLAN9_ERRORS_H

#include "notes/note.h"
#include "notes/status.h"

namespace notes::detail::errors {

// The number errno_text() knows `text` by; 0 when the table of other strings is full.
int number(const char* text) noexcept;

// The Status of a failed open or write of /proc/<pid>/note or notepg, from the proc's error
// string. Safe in a note handler.
Status post_failure(long pid, const Note& note) noexcept;

}  // namespace notes::detail::errors

#endif  // NOTES_PLAN9_ERRORS_H
