// Error strings as numbers, and the errors of posting a note. The texts are 9front's
// (sys/src/9/port/error.h, errstr(2)); devproc.c procopen/procwrite give those of /proc/N/note:
// "note not posted" when the target's queue of NNOTE (5) is full or it cannot take notes, Etoobig
// "read or write too large" for a note the kernel finds too long (too_long, with the error
// number, so the message says the kernel refused it: see post.cc on 126 and 127 bytes),
// Eprocdied "process exited", Eperm, and a missing /proc/N is "'/proc/N' file does not exist"
// from the walk.
#include "plan9/errors.h"

#include <atomic>
#include <string_view>

#include "common/text.h"
#include "plan9.h"

namespace notes::detail {
namespace {

// Numbered 1.. in this order; a text matches when it contains the entry (walk errors name the
// file first).
constexpr const char* kKnown[] = {
    "permission denied",            // Eperm
    "file does not exist",          // Enonexist
    "process exited",               // Eprocdied
    "interrupted",                  // Eintr
    "read or write too large",      // Etoobig
    "note not posted",              // devproc.c procwrite
    "fd out of range or not open",  // Ebadfd
    "no free file descriptors",     // Enofd
    "kernel allocate failed",       // Enomem
    "i/o error",                    // Eio
    "bad arg in system call",       // Ebadarg
};
constexpr int kKnownCount = sizeof kKnown / sizeof kKnown[0];

enum Known : int {
  kPermission = 1,
  kNonexistent,
  kProcessExited,
  kInterrupted,
  kTooBig,
  kNotPosted,
};

// Other error strings, each kept once (slot state: 0 free, 1 being written, 2 ready).
constexpr int kFirstOther = 100;
constexpr int kOthers = 16;
struct Other {
  std::atomic<int> state{0};
  char text[plan9::kErrMax];
};
Other others[kOthers];

bool contains(std::string_view text, std::string_view part) noexcept {
  return text.find(part) != std::string_view::npos;
}

std::string_view view(const char* s) noexcept {
  size_t n = 0;
  while (n < plan9::kErrMax - 1 && s[n] != '\0') n++;
  return {s, n};
}

}  // namespace

namespace errors {

int number(const char* text) noexcept {
  std::string_view t = view(text);
  for (int i = 0; i < kKnownCount; i++) {
    if (contains(t, kKnown[i])) return i + 1;
  }
  for (int i = 0; i < kOthers; i++) {
    if (others[i].state.load() == 2 && view(others[i].text) == t) return kFirstOther + i;
  }
  for (int i = 0; i < kOthers; i++) {
    int free = 0;
    if (others[i].state.compare_exchange_strong(free, 1)) {
      for (size_t k = 0; k < t.size(); k++) others[i].text[k] = t[k];
      others[i].text[t.size()] = '\0';
      others[i].state.store(2);
      return kFirstOther + i;
    }
  }
  return 0;
}

Status post_failure(long pid, const Note& note) noexcept {
  char text[plan9::kErrMax];
  plan9::rerrstr(text, sizeof text);
  const int err = number(text);
  switch (err) {
    case kNotPosted: return Status(Code::queue_full, pid);
    case kNonexistent:
    case kProcessExited: return Status(Code::no_such_process, pid);
    case kPermission: return Status(Code::permission_denied, pid);
    case kTooBig: return Status(Code::too_long, static_cast<int64_t>(note.size()), err);
    case kInterrupted: return Status(Code::interrupted);
    default: return Status(Code::io, pid, err, "cannot post the note");
  }
}

}  // namespace errors

const char* errno_text(int err) noexcept {
  if (err >= 1 && err <= kKnownCount) return kKnown[err - 1];
  if (err >= kFirstOther && err < kFirstOther + kOthers &&
      others[err - kFirstOther].state.load() == 2) {
    return others[err - kFirstOther].text;
  }
  return "unknown error";
}

}  // namespace notes::detail
