// Guard: a small process that outlives a SIGKILLed supervisor just long enough to SIGKILL every
// member's process group, so no member is left running. The supervisor tells it each group over
// a pipe; end of file without a disarm word means the supervisor died.
#ifndef NOTES_POSIX_GUARD_H
#define NOTES_POSIX_GUARD_H

#include <sys/types.h>

#include "notes/status.h"

namespace notes::detail {

class Guard {
 public:
  Guard() = default;
  ~Guard() { disarm(); }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

  // Starts the guard process, once. Errors: io.
  Status start() noexcept;
  // The guard will kill process group `group` if the supervisor dies.
  void watch(pid_t group) noexcept;
  // The supervisor ends normally: the guard exits without killing anything, and is reaped.
  void disarm() noexcept;
  // The guard died (the supervisor reaped it).
  void lost() noexcept;
  pid_t pid() const noexcept { return pid_; }

 private:
  pid_t pid_ = -1;
  int pipe_ = -1;
};

}  // namespace notes::detail

#endif  // NOTES_POSIX_GUARD_H
