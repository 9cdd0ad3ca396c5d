// What the POSIX backend can learn about another process: when it started (to tell a process
// from a later one with the same pid), who owns it, and which processes are in a group.
#ifndef NOTES_POSIX_PROCESS_H
#define NOTES_POSIX_PROCESS_H

#include <stdint.h>
#include <sys/types.h>

namespace notes::detail::process {

// The start time of `pid` in the kernel's own units: equal for one process, different for a
// later process with the same pid. False when there is no such process. Async-signal-safe.
bool start_time(long pid, uint64_t* out) noexcept;

// The effective uid that owns `pid`. False when there is no such process.
bool owner(long pid, uid_t* out) noexcept;

// Calls fn(pid, arg) for each process in process group `group`. Returns false when the
// processes cannot be listed.
bool for_each_in_group(long group, void (*fn)(long pid, void* arg), void* arg) noexcept;

}  // namespace notes::detail::process

#endif  // NOTES_POSIX_PROCESS_H

namespace notes::detail::process {

// Calls fn(pid, arg) for each child of `parent`. Returns false when children cannot be listed
// (no /proc).
bool for_each_child(long parent, void (*fn)(long pid, void* arg), void* arg) noexcept;

}  // namespace notes::detail::process
