// notes/counters.h: counts that make every loss visible.
//
// Thread-safety: counters() is safe from any thread and is async-signal-safe. The fields are read
// one by one, so a snapshot taken while notes arrive may be off by the notes in flight.
#ifndef NOTES_COUNTERS_H
#define NOTES_COUNTERS_H

#include <stdint.h>

namespace notes {

struct Counters {
  uint64_t caught = 0;     // notes the entry point saw (signals and mailbox datagrams)
  uint64_t delivered = 0;  // copies queued to a receiver, plus notes an async handler took
  uint64_t dropped = 0;    // copies lost because a receiver's queue was full
  uint64_t unhandled = 0;  // string notes that no receiver or handler wanted (discarded)
  uint64_t refused = 0;    // mailbox datagrams refused: another user's, or not a valid note
};

// The process-wide counters since start (a forked child starts from its parent's).
Counters counters() noexcept;

}  // namespace notes

#endif  // NOTES_COUNTERS_H
