// Posting on POSIX: a mapped note is its signal; any other string goes through the mailbox.
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "common/backend.h"
#include "notes/post.h"
#include "notes/signal_map.h"
#include "posix/mailbox.h"
#include "posix/process.h"

namespace notes {

long this_process() noexcept {
  return getpid();
}
long this_group() noexcept {
  return getpgrp();
}

}  // namespace notes

namespace notes::detail::backend {
namespace {

Status kill_error(long id, int err) noexcept {
  if (err == ESRCH) return Status(Code::no_such_process, id);
  if (err == EPERM) return Status(Code::permission_denied, id);
  return Status(Code::io, id, err, "kill failed");
}

struct GroupPost {
  int sig;
  pid_t self;
  Status first;
  bool any = false;
};

}  // namespace

Status post(long pid, const Note& note) noexcept {
  int sig = signal_for_note(note.view());
  if (sig == 0) return mailbox::post(pid, note);
  if (kill(static_cast<pid_t>(pid), sig) != 0) return kill_error(pid, errno);
  return Status();
}

Status post_group(long group, const Note& note) noexcept {
  int sig = signal_for_note(note.view());
  if (sig == 0) return mailbox::post_group(group, note);
  if (getpgrp() != group) {
    if (killpg(static_cast<pid_t>(group), sig) != 0) return kill_error(group, errno);
    return Status();
  }
  // The caller is a member, and a note group excludes the writer (Plan 9 notepg): signal each
  // other member on its own.
  GroupPost g{sig, getpid(), Status()};
  bool listed = process::for_each_in_group(
      group,
      [](long pid, void* arg) {
        auto* gp = static_cast<GroupPost*>(arg);
        if (pid == gp->self) return;
        gp->any = true;
        if (kill(static_cast<pid_t>(pid), gp->sig) != 0 && errno != ESRCH && gp->first.ok()) {
          gp->first = kill_error(pid, errno);
        }
      },
      &g);
  if (!listed) return Status(Code::io, group, errno, "cannot list the members of the group");
  return g.first;
}

}  // namespace notes::detail::backend
