// notes/note.h: the note, a short string posted to a process.
//
// A note is 1 to 127 bytes with no NUL (Plan 9's ERRMAX is 128 with the NUL). A longer text is an
// error, never truncated. Notes that begin with "sys:" are system notes: traps and faults, or
// signals with no plain name (see signal_map.h).
//
// Note is a fixed-size value (no heap), so it can be made, copied and compared in a signal handler.
// Thread-safety: a plain value. Async-signal-safety: every member is async-signal-safe.
#ifndef NOTES_NOTE_H
#define NOTES_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include <string_view>

#include "notes/status.h"

namespace notes {

class Note {
 public:
  static constexpr size_t max_size = 127;

  // Checks `text` against the rules above: Code::empty, Code::too_long (value: the length) or
  // Code::contains_nul (value: the offset of the first NUL).
  static Status validate(std::string_view text) noexcept;
  // A note holding `text`, or the Status of validate().
  static Result<Note> make(std::string_view text) noexcept;

  // The empty note; it is never delivered and only marks "no note".
  constexpr Note() noexcept = default;

  constexpr std::string_view view() const noexcept { return {text_, size_}; }
  constexpr const char* c_str() const noexcept { return text_; }  // NUL-terminated
  constexpr size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  // True for notes that begin with "sys:".
  constexpr bool is_system() const noexcept { return view().substr(0, 4) == "sys:"; }

  friend constexpr bool operator==(const Note& a, const Note& b) noexcept {
    return a.view() == b.view();
  }
  friend constexpr bool operator==(const Note& a, std::string_view b) noexcept {
    return a.view() == b;
  }

 private:
  uint8_t size_ = 0;
  char text_[max_size + 1] = {};
};

}  // namespace notes

#endif  // NOTES_NOTE_H
