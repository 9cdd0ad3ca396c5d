// Posting on Plan 9: post writes the note to /proc/<pid>/note, post_group to
// /proc/<group>/notepg, as libc's postnote(2) does (9front sys/src/libc/9sys/postnote.c: open
// OWRITE|OCEXEC, one write of the text). The kernel queues it (NNOTE = 5 pending at most, 9front
// port/portdat.h) and refuses more with "note not posted" (port/devproc.c procwrite), which is
// queue_full here; errors.cc maps the other error strings.
//
// Length: 9front's procwrite refuses n >= ERRMAX, so 127 bytes pass (port/devproc.c at
// 027f579f); Bell Labs refuses n >= ERRMAX-1, 126 at most, and so did the 9front kernel the
// tests ran on (tests/plan9/note_limit_test). A note the kernel finds too long is refused with
// too_long, never cut.
//
// Groups: the kernel names a note group by a number of its own (noteid), but a group is reached
// through any member's notepg file. So on Plan 9 `group` is the pid of a member of the note group,
// and this_group() is this_process(): post_group(this_group(), n) reaches every other proc of the
// caller's note group. notepg excludes the writer (9front port/proc.c postnotepg skips `up`).
//
// Everything here is a system call on stack memory, so it is safe in a note handler (group exit
// posts from there).
#include "notes/post.h"
#include "common/backend.h"
#include "common/text.h"
#include "plan9.h"
#include "plan9/errors.h"

namespace notes {

long this_process() noexcept {
  return plan9::getpid();
}
long this_group() noexcept {
  return plan9::getpid();
}

}  // namespace notes

namespace notes::detail::backend {
namespace {

Status write_note(long pid, const char* file, const Note& note) noexcept {
  char path[48];
  TextBuffer(path, sizeof path).add("/proc/").add(static_cast<int64_t>(pid)).add("/").add(file);
  const int fd = plan9::open(path, plan9::OWRITE | plan9::OCEXEC);
  if (fd < 0) return errors::post_failure(pid, note);
  const long n = plan9::write(fd, note.c_str(), static_cast<long>(note.size()));
  Status s;
  if (n < 0) {
    s = errors::post_failure(pid, note);
  } else if (n != static_cast<long>(note.size())) {
    s = Status(Code::io, pid, 0, "short write of a note");
  }
  plan9::close(fd);
  return s;
}

}  // namespace

Status post(long pid, const Note& note) noexcept {
  return write_note(pid, "note", note);
}

Status post_group(long group, const Note& note) noexcept {
  return write_note(group, "notepg", note);
}

}  // namespace notes::detail::backend
