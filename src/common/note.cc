// Note validation: 1 to 127 bytes, no NUL; too long is an error, never a truncation.
#include "notes/note.h"

namespace notes {

Status Note::validate(std::string_view text) noexcept {
  if (text.empty()) return Status(Code::empty);
  if (text.size() > max_size) return Status(Code::too_long, static_cast<int64_t>(text.size()));
  for (size_t i = 0; i < text.size(); i++) {
    if (text[i] == '\0') return Status(Code::contains_nul, static_cast<int64_t>(i));
  }
  return Status();
}

Result<Note> Note::make(std::string_view text) noexcept {
  if (Status s = validate(text); !s.ok()) return s;
  Note n;
  for (size_t i = 0; i < text.size(); i++) n.text_[i] = text[i];
  n.text_[text.size()] = '\0';
  n.size_ = static_cast<uint8_t>(text.size());
  return n;
}

}  // namespace notes
