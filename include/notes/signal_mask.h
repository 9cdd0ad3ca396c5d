// notes/signal_mask.h: keeping the signals of notes blocked, for synchronous receivers (POSIX).
//
// A Receiver opened with Options::synchronous takes its signals itself with sigtimedwait, which
// is cheaper than a signal handler, but only while those signals are blocked in every thread of
// the process (the rule of sd-event and signalfd). Call block_signals() in main before starting
// any thread: threads inherit the mask. A note whose signal is blocked everywhere waits in the
// kernel until a synchronous receiver takes it, so async handlers for those notes do not run.
//
// Thread-safety: affects the calling thread only. Async-signal-safety: async-signal-safe.
#ifndef NOTES_SIGNAL_MASK_H
#define NOTES_SIGNAL_MASK_H

#include "notes/note_set.h"
#include "notes/status.h"

namespace notes {

// Blocks, in the calling thread, the signals that carry `notes`, and the doorbell signal that
// carries string notes and wakes synchronous waiters. Errors: the note errors, uncatchable,
// too_many.
Status block_signals(const NoteSet& notes) noexcept;

}  // namespace notes

#endif  // NOTES_SIGNAL_MASK_H
