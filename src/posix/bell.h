// The doorbell word: one 32-bit word in "<mailbox>.bell", mapped shared by the receiving process
// and by every sender that has it cached. It tells a sender whether its note needs a doorbell
// signal after the datagram, so that a flood, or a waiter that polls the socket itself, costs no
// signal per note.
//
//   kArmed   set by the receiver when nothing else will read the socket: the next sender clears
//            it and rings. Clear while a drain runs or a doorbell is on its way; the drain sets
//            it again after reading the socket empty, then looks once more, so a sender that
//            found it clear is always read.
//   kPolled  set while at least one thread of the receiver sleeps in poll() on the socket and
//            will read it when woken: senders never ring. A waiter that stops polling looks at
//            the socket once more, so a sender that skipped the signal is always read.
//   kPulled  set while nothing in the receiver needs string notes pushed to it (no async
//            handler, no synchronous receiver, no receiver whose fd() was handed out): each
//            reader reads the socket itself when it looks for a note, so senders never ring.
//            Cleared (and the socket read) as soon as something needs the doorbell again.
//
// Every access is a read-modify-write: each side writes (the datagram, or the poll
// registration) and then reads the other's state, the store-then-load pattern that needs a full
// barrier on both sides. ThreadSanitizer understands read-modify-writes, not fences.
#ifndef NOTES_POSIX_BELL_H
#define NOTES_POSIX_BELL_H

#include <stddef.h>
#include <stdint.h>

#include <atomic>

namespace notes::detail::bell {

constexpr size_t kSize = 4096;  // the file's size: one page
constexpr uint32_t kArmed = 1;
constexpr uint32_t kPolled = 2;
constexpr uint32_t kPulled = 4;

// Sender, after its datagram went into the socket: true when it must ring (the word was exactly
// kArmed, and is now clear; any other bit means someone reads the socket without a doorbell).
inline bool take_ring(std::atomic<uint32_t>& word) noexcept {
  uint32_t v = word.load(std::memory_order_relaxed);
  // A compare-exchange that writes back what it read when there is nothing to take: still a
  // read-modify-write, hence the barrier.
  while (!word.compare_exchange_weak(v, v == kArmed ? 0 : v)) {
  }
  return v == kArmed;
}

// Sender, when the socket is full: false when a reader will read it without a doorbell (it
// polls the socket, which a full socket wakes, or it pulls).
inline bool full_needs_ring(const std::atomic<uint32_t>& word) noexcept {
  return (word.load() & (kPolled | kPulled)) == 0;
}

}  // namespace notes::detail::bell

#endif  // NOTES_POSIX_BELL_H
