// NoteRing: a bounded multi-producer multi-consumer queue of notes (D. Vyukov's bounded MPMC
// queue). push() and pop() never block, never allocate and never spin on another thread's
// progress, so a signal handler may push while the thread it interrupted is inside push() or
// pop(): the handler's push sees a claimed slot as full, or claims the next one.
#ifndef NOTES_COMMON_NOTE_RING_H
#define NOTES_COMMON_NOTE_RING_H

#include <stddef.h>
#include <stdint.h>

#include <atomic>

#include "notes/note.h"

namespace notes::detail {

class NoteRing {
 public:
  // `cells` must have room for `capacity` cells; capacity is a power of two, at least 2.
  struct Cell {
    std::atomic<size_t> sequence;
    Note note;
  };

  void init(Cell* cells, size_t capacity) noexcept {
    cells_ = cells;
    mask_ = capacity - 1;
    clear();
  }
  // Empties the ring. Only when no other thread uses it (start-up, a forked child).
  void clear() noexcept {
    for (size_t i = 0; i <= mask_; i++) cells_[i].sequence.store(i, std::memory_order_relaxed);
    head_.store(0, std::memory_order_relaxed);
    tail_.store(0, std::memory_order_release);
  }

  size_t capacity() const noexcept { return mask_ + 1; }

  // False when full (or when the next slot's consumer has not finished with it yet).
  bool push(const Note& note) noexcept {
    size_t pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      size_t seq = cell.sequence.load(std::memory_order_acquire);
      intptr_t diff = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos);
      if (diff == 0) {
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          cell.note = note;
          cell.sequence.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (diff < 0) {
        return false;
      } else {
        pos = tail_.load(std::memory_order_relaxed);
      }
    }
  }

  // False when empty (or when the next note's producer has not finished writing it yet; that
  // producer wakes the consumer after it finishes).
  bool pop(Note& out) noexcept {
    size_t pos = head_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      size_t seq = cell.sequence.load(std::memory_order_acquire);
      intptr_t diff = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos + 1);
      if (diff == 0) {
        if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          out = cell.note;
          cell.sequence.store(pos + mask_ + 1, std::memory_order_release);
          return true;
        }
      } else if (diff < 0) {
        return false;
      } else {
        pos = head_.load(std::memory_order_relaxed);
      }
    }
  }

  // True when a push would find room now (an estimate under concurrency).
  bool has_room() const noexcept {
    size_t pos = tail_.load(std::memory_order_relaxed);
    size_t seq = cells_[pos & mask_].sequence.load(std::memory_order_acquire);
    return seq == pos;
  }

 private:
  Cell* cells_ = nullptr;
  size_t mask_ = 0;
  alignas(64) std::atomic<size_t> tail_{0};
  alignas(64) std::atomic<size_t> head_{0};
};

}  // namespace notes::detail

#endif  // NOTES_COMMON_NOTE_RING_H
