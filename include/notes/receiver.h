// notes/receiver.h: notes handed to ordinary code (what daemons want).
//
// A Receiver subscribes to a NoteSet. The entry point copies each matching note into the
// receiver's bounded queue and wakes it; wait(), wait_for(), try_receive() or polling fd() hand the
// notes out in arrival order. Several receivers may watch the same note; each gets its own copy.
// A full queue drops the copy and counts it (counters().dropped); a string note waiting in the
// mailbox is held back instead, so its sender gets queue_full rather than a silent loss.
//
// String notes on POSIX: while nothing in the process needs them pushed (an async handler for
// string notes, a synchronous receiver of them, or a receiver whose fd() was handed out), they
// wait in the mailbox until a receiver looks for a note (wait, wait_for, try_receive, stop) and
// reads it for every receiver; their senders then pay no signal. The process counters() count
// them when they are read. Otherwise a doorbell signal pushes each one to the receivers at once.
//
// When the last receiver or handler of a note goes away, the note's previous disposition comes
// back exactly, including an ignore inherited at start (nohup).
//
// Thread-safety: a Receiver may be used from several threads at once (each note goes to one
// caller). Async-signal-safety: try_receive() and stop() are not; nothing here is.
#ifndef NOTES_RECEIVER_H
#define NOTES_RECEIVER_H

#include <stddef.h>
#include <stdint.h>

#include <chrono>

#include "notes/note.h"
#include "notes/note_set.h"
#include "notes/status.h"

namespace notes {

namespace detail {
struct Channel;
}

struct ReceiverCounters {
  uint64_t queued = 0;    // copies the entry point put in the queue
  uint64_t received = 0;  // notes handed out
  uint64_t dropped = 0;   // copies lost to a full queue
};

class Receiver {
 public:
  struct Options {
    size_t capacity = 64;  // queue slots, rounded up to a power of two, 2 to 65536
    // POSIX, opt-in: wait() and wait_for() take this receiver's signals themselves
    // (sigtimedwait) instead of through the signal handler, which saves the handler's entry,
    // its wake-up write and the waiter's poll: for programs that keep the signals blocked in
    // every thread (see block_signals() in notes/signal_mask.h, as sd-event asks). Where a
    // signal is not blocked the handler still takes it and wakes the waiter, so nothing is
    // lost either way. A synchronous receiver has no fd().
    bool synchronous = false;
  };

  // Subscribes to `notes`. Errors: the note errors of Note::validate, uncatchable (sys: kill,
  // sys: stop and the synchronous faults), too_many (more than 64 receivers, or more than 32
  // notes in one set), invalid_argument (a bad capacity), io (the mailbox could not be made:
  // what() names the step).
  static Result<Receiver> open(const NoteSet& notes, Options options) noexcept;
  static Result<Receiver> open(const NoteSet& notes) noexcept { return open(notes, Options{}); }

  Receiver(Receiver&& other) noexcept : channel_(other.channel_) { other.channel_ = nullptr; }
  Receiver& operator=(Receiver&& other) noexcept;
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;
  ~Receiver();

  // Blocks until a note arrives. Errors: stopped (after stop() and once the queue is empty).
  Result<Note> wait() noexcept;
  // As wait(), for at most `timeout`. Errors: timed_out, stopped.
  Result<Note> wait_for(std::chrono::nanoseconds timeout) noexcept;
  // The next queued note without blocking. Errors: timed_out (nothing queued), stopped.
  Result<Note> try_receive() noexcept;

  // A descriptor that polls readable while a note may be queued (POSIX; -1 elsewhere). Read notes
  // with try_receive() until it says timed_out; the receiver clears the descriptor itself. From
  // the first call on, this receiver's string notes are pushed (see above).
  int fd() const noexcept;

  // Unsubscribes. After it returns no note is queued to this receiver any more; notes already
  // queued (string notes posted before stop() included) can still be taken, and nothing queued
  // for other receivers is lost. Wakes every waiter. Idempotent.
  void stop() noexcept;

  ReceiverCounters counters() const noexcept;

 private:
  explicit Receiver(detail::Channel* channel) noexcept : channel_(channel) {}
  detail::Channel* channel_ = nullptr;
};

}  // namespace notes

#endif  // NOTES_RECEIVER_H
