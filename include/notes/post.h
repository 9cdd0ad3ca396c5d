// notes/post.h: posting notes to processes.
//
// post(pid, note) and post_group(group, note) validate the note, then send it: a note with a signal
// (signal_map.h) as that signal, any other string through the target's mailbox followed by a
// doorbell signal. Errors:
//   too_long, empty, contains_nul   the note itself is bad (nothing is sent);
//   invalid_argument                pid or group is not positive;
//   no_such_process                 no process (or group) with that id;
//   permission_denied               the target belongs to another user (root may post to anyone);
//   not_deliverable                 a string note to a process that has no mailbox (nothing in it
//                                   receives string notes);
//   queue_full                      the target's mailbox is full: the note was not posted;
//   io                              a system call failed (error_number() says which).
// A string note posted to pid P never reaches another process that later got pid P.
//
// Thread-safety: safe from any thread. Async-signal-safety: not async-signal-safe (post of a string
// note may open and cache a socket under a lock).
#ifndef NOTES_POST_H
#define NOTES_POST_H

#include <string_view>

#include "notes/note.h"
#include "notes/status.h"

namespace notes {

// The calling process's id and its process group (note group on Plan 9). Async-signal-safe.
long this_process() noexcept;
long this_group() noexcept;

// Posts `note` to process `pid`.
Status post(long pid, std::string_view note) noexcept;

// Posts `note` to every member of process group `group` except the calling process (Plan 9
// notepg semantics), for mapped and string notes alike. The first error is returned, after
// every member was tried; members that have no mailbox for a string note are skipped, and
// not_deliverable is returned only when no member had one.
Status post_group(long group, std::string_view note) noexcept;

}  // namespace notes

#endif  // NOTES_POST_H
