// Group exit: the procs of a program end together, with the status of the first proc to exit
// (the public side, with the protocol, is notes/group_exit.h). Go's runtime does the same on
// Plan 9 with "go: exit <status>" (plan9-notes.md §5).
//
// The members are the program's first proc (the leader) and the procs plan9::spawn_proc starts
// from a member; they are kept in a table in static memory, which every proc made with RFMEM
// shares. The runtime's proc hooks (plan9.h ProcHooks) add and remove them and start the exit;
// the note entry point (dispatch.cc) hands over exit notes and notes nobody took.
#ifndef NOTES_PLAN9_GROUP_EXIT_H
#define NOTES_PLAN9_GROUP_EXIT_H

#include <string_view>

#include "notes/note.h"

namespace notes::detail::group_exit {

// The carrier of exit notes: a filter naming "notes: exit" matches every exit note, whatever its
// status (NoteFilter compares the text only for kMailbox, the carrier of all other notes).
constexpr int kCarrier = 1;

// True for "notes: exit" and "notes: exit <status>".
bool is_exit_note(std::string_view text) noexcept;

// At start-up, in the program's first proc: it becomes the leader and first member, and the
// runtime's proc hooks are set.
void start() noexcept;

// Note context. An exit note reached this proc: runs the handler chain on it and ends the proc
// with the group's status, or returns NCONT when the interrupted code holds a plan9::Lock (the
// proc then does so when it releases its last one).
int on_exit_note(const Note& note) noexcept;

// Note context. Nothing took the note `raw` (the kernel's text): starts the group exit with it as
// the status and returns NDFLT (the kernel ends the proc with the note); or, when a group exit
// is already under way, ends the proc with its status.
int on_unhandled(const char* raw) noexcept;

}  // namespace notes::detail::group_exit

#endif  // NOTES_PLAN9_GROUP_EXIT_H
