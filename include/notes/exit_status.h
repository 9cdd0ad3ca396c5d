// notes/exit_status.h: how a process ended, on POSIX and on Plan 9.
//
// On POSIX a process exits with a code 0-255 or dies of a signal S, which shells and supervisors
// report as 128+S. On Plan 9 a process exits with a string, empty for success. ExitStatus holds
// either and converts: code() is what a POSIX parent should exit with, text() the Plan 9 exit
// string (for POSIX statuses "" on success, else a short description).
//
// Thread-safety: a plain value. Async-signal-safety: every member is async-signal-safe.
#ifndef NOTES_EXIT_STATUS_H
#define NOTES_EXIT_STATUS_H

#include <stdint.h>

#include <string_view>

namespace notes {

class ExitStatus {
 public:
  static constexpr int kMaxText = 127;

  // Success: code 0, empty text.
  constexpr ExitStatus() noexcept = default;
  // A normal exit with `code` (taken modulo 256, as wait(2) reports it).
  static ExitStatus exited(int code) noexcept;
  // Death by `signal`: code 128+signal.
  static ExitStatus killed(int signal) noexcept;
  // A Plan 9 exit string: "" is success (code 0), anything else failure (code 1). Longer than
  // 127 bytes is cut at a UTF-8 boundary, as Plan 9's exits does.
  static ExitStatus plan9(std::string_view text) noexcept;

  constexpr bool ok() const noexcept { return code_ == 0; }
  constexpr int code() const noexcept { return code_; }
  // The signal that killed the process, or 0.
  constexpr int signal() const noexcept { return signal_; }
  // "" for success; the Plan 9 exit string; or for POSIX failures "exit N" / "signal N".
  std::string_view text() const noexcept { return {text_, size_}; }

  friend bool operator==(const ExitStatus& a, const ExitStatus& b) noexcept {
    return a.code_ == b.code_ && a.signal_ == b.signal_ && a.text() == b.text();
  }

 private:
  int code_ = 0;
  int signal_ = 0;
  uint8_t size_ = 0;
  char text_[kMaxText + 1] = {};
};

}  // namespace notes

#endif  // NOTES_EXIT_STATUS_H
