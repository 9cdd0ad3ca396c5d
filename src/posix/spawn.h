// Starting a member with posix_spawn: a process group of its own (set by the child before exec
// and again by the parent, so a group-wide note can never miss it), default dispositions for the
// signals and an empty signal mask, as if started from a shell. posix_spawn does not run fork
// handlers, so the child never makes a mailbox it would drop at exec.
#ifndef NOTES_POSIX_SPAWN_H
#define NOTES_POSIX_SPAWN_H

#include <sys/types.h>

#include "notes/shutdown_group.h"
#include "notes/status.h"

namespace notes::detail {

struct Spawned {
  pid_t pid = -1;      // valid when exec_errno is 0
  int exec_errno = 0;  // the member could not be started (ENOENT: not found, else 126)
};

// Errors: io (out of memory or the system refused a process).
Result<Spawned> spawn_member(const MemberSpec& spec) noexcept;

}  // namespace notes::detail

#endif  // NOTES_POSIX_SPAWN_H
