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

// Sender, after its datagram went into the socket: true when it must ring (the word was exactly
// kArmed, and is now clear).
inline bool take_ring(std::atomic<uint32_t>& word) noexcept {
  uint32_t v = word.load(std::memory_order_relaxed);
  // A compare-exchange that writes back what it read when there is nothing to take: still a
  // read-modify-write, hence the barrier.
  while (!word.compare_exchange_weak(v, v == kArmed ? 0 : v)) {
  }
  return v == kArmed;
}

}  // namespace notes::detail::bell

#endif  // NOTES_POSIX_BELL_H
