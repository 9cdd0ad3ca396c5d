// Status messages: one line a person can act on, built without allocation.
#include "notes/status.h"

#include "common/text.h"

namespace notes {

const char* code_name(Code code) noexcept {
  switch (code) {
    case Code::ok: return "ok";
    case Code::empty: return "empty";
    case Code::too_long: return "too_long";
    case Code::contains_nul: return "contains_nul";
    case Code::no_such_process: return "no_such_process";
    case Code::permission_denied: return "permission_denied";
    case Code::queue_full: return "queue_full";
    case Code::not_deliverable: return "not_deliverable";
    case Code::interrupted: return "interrupted";
    case Code::timed_out: return "timed_out";
    case Code::stopped: return "stopped";
    case Code::uncatchable: return "uncatchable";
    case Code::invalid_argument: return "invalid_argument";
    case Code::too_many: return "too_many";
    case Code::io: return "io";
  }
  return "unknown";
}

size_t Status::message(char* buf, size_t size) const noexcept {
  detail::TextBuffer t(buf, size);
  const char* what = what_ ? what_ : "";
  switch (code_) {
    case Code::ok: t.add("ok"); break;
    case Code::empty: t.add("empty note: a note has 1 to 127 bytes"); break;
    case Code::too_long:  // with an error number, the receiving kernel refused it (Plan 9)
      t.add("note too long: ")
          .add(value_)
          .add(err_ ? " bytes for the kernel" : " bytes, at most 127");
      break;
    case Code::contains_nul:
      t.add("note contains a NUL byte at offset ").add(value_).add(": notes are text");
      break;
    case Code::no_such_process: t.add("no such process: ").add(value_); break;
    case Code::permission_denied:
      t.add("permission denied: process ").add(value_).add(" belongs to another user");
      break;
    case Code::queue_full:
      t.add("note not posted: the note queue of process ").add(value_).add(" is full; try again");
      break;
    case Code::not_deliverable:
      t.add("note not deliverable: process ")
          .add(value_)
          .add(" has no mailbox (it receives no string notes)");
      break;
    case Code::interrupted: t.add("interrupted"); break;
    case Code::timed_out: t.add("timed out"); break;
    case Code::stopped: t.add("receiver stopped"); break;
    case Code::uncatchable: t.add("note cannot be caught: ").add(what); break;
    case Code::invalid_argument: t.add("invalid argument: ").add(what); break;
    case Code::too_many: t.add("too many ").add(what); break;
    case Code::io: t.add(what); break;
  }
  if (err_ != 0) t.add(": ").add_errno(err_);
  return t.wanted();
}

std::string Status::to_string() const {
  char buf[256];
  size_t n = message(buf, sizeof buf);
  if (n < sizeof buf) return std::string(buf, n);
  std::string s(n, '\0');
  message(s.data(), n + 1);
  return s;
}

}  // namespace notes
