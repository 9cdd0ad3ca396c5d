// block_signals: the mask a synchronous receiver needs.
#include "notes/signal_mask.h"

#include <signal.h>

#include "common/note_filter.h"
#include "posix/signals.h"

namespace notes {

Status block_signals(const NoteSet& notes) noexcept {
  detail::NoteFilter filter;
  if (Status s = filter.assign(notes); !s.ok()) return s;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, detail::signals::kDoorbell);
  filter.for_each_carrier([&](int c) {
    if (c != detail::kMailbox) sigaddset(&set, c);
  });
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return Status();
}

}  // namespace notes
