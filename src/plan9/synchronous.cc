// Synchronous receivers (Receiver::Options::synchronous) take their notes' signals with
// sigtimedwait while the signals are blocked: a POSIX way to skip the signal handler. Plan 9
// delivers every note through the notify handler and has no such call, so opening one is refused
// (invalid_argument) and the rest is never reached.
#include "common/backend.h"
#include "plan9.h"

namespace notes::detail::backend {

Status sync_begin() noexcept {
  return Status(Code::invalid_argument, 0, 0, "synchronous receivers exist on POSIX only");
}
void sync_end() noexcept {}
long thread_id() noexcept {
  return plan9::getpid();
}
Status take_note(const NoteFilter&, Wake&, int64_t) noexcept {
  return Status(Code::invalid_argument, 0, 0, "synchronous receivers exist on POSIX only");
}

}  // namespace notes::detail::backend
