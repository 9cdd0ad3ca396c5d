// post and post_group: validate, then hand to the backend.
#include "notes/post.h"

#include "common/backend.h"

namespace notes {

Status post(long pid, std::string_view text) noexcept {
  Result<Note> note = Note::make(text);
  if (!note) return note.status();
  if (pid <= 0 || pid > 0x7fffffff) {
    return Status(Code::invalid_argument, pid, 0, "a process id is a positive number");
  }
  return detail::backend::post(pid, *note);
}

Status post_group(long group, std::string_view text) noexcept {
  Result<Note> note = Note::make(text);
  if (!note) return note.status();
  if (group <= 0 || group > 0x7fffffff) {
    return Status(Code::invalid_argument, group, 0, "a process group id is a positive number");
  }
  return detail::backend::post_group(group, *note);
}

}  // namespace notes
