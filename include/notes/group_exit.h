// notes/group_exit.h: a program of several procs ends as one (Plan 9).
//
// On Plan 9 a program may run as several procs sharing memory (rfork(RFPROC|RFMEM)), and
// exits() ends only the calling proc: the others run on. (Go's runtime once wrote "interrupt"
// to the whole note group instead, which killed every proc and lost the status and the cleanup.)
// With this library linked, the Plan 9 backend does for procs what exit() does for POSIX
// threads, politely, as Go's runtime now does with its "go: exit" note:
//
//   - When a proc of the program exits -- exits(), exit() or main returning (plan9/rt), a note
//     nobody took (its default action), or a panic -- it posts the note
//     "notes: exit <status>" (group_exit_note, a space, the status) to every other proc of the
//     program. The first exit wins: a proc that exits later ends with the first one's status.
//   - Every other proc runs the async handlers installed for group_exit_note (or for
//     NoteSet::all()) once, with that note, then exits with the same status, so the program's
//     status is the first exit's. A proc inside a plan9::Lock first finishes its critical
//     section. No proc is killed (ctl kill would skip its handlers).
//   - The first proc to exit waits (at most 5 s) until the others are gone, then runs the atexit
//     handlers and static destructors. The program's first proc, whose exit its parent waits
//     for, ends after that cleanup.
//
// The procs of a program are its first proc and the procs started by plan9::spawn_proc from one
// of them: they join by themselves (a proc made by rfork directly does not take part). A status
// longer than fits in a note is cut in the note's text; the procs still exit with all of it.
//
// On POSIX exit() ends every thread anyway, and nothing posts this note; it is an ordinary
// string note there.
//
// Thread-safety and async-signal-safety: a constant.
#ifndef NOTES_GROUP_EXIT_H
#define NOTES_GROUP_EXIT_H

#include <string_view>

namespace notes {

// The exit note's text before the status. A handler or receiver that names it gets every exit
// note, whatever the status.
inline constexpr std::string_view group_exit_note = "notes: exit";

}  // namespace notes

#endif  // NOTES_GROUP_EXIT_H
