// The one narrow interface every backend (src/posix, src/plan9) implements. src/common calls only
// this, never an OS function, so it builds freestanding for Plan 9.
//
// A "carrier" is how a note reaches the process: on POSIX a signal number, or kMailbox for string
// notes; Plan 9 has one carrier for everything.
#ifndef NOTES_COMMON_BACKEND_H
#define NOTES_COMMON_BACKEND_H

#include <stdint.h>

#include <atomic>
#include <span>
#include <string_view>

#include "notes/note.h"
#include "notes/status.h"

namespace notes::detail {

constexpr int kMailbox = 0;        // the carrier of string notes
constexpr int kMaxCarriers = 128;  // carriers are 0 .. kMaxCarriers-1
constexpr int kUncatchable = -1;

// A waiter's wake-up: level-triggered, pollable on POSIX. A synchronous receiver's waiter (see
// Receiver::Options::synchronous) is woken by a signal to its thread instead: `sync_thread` is
// that thread while it sleeps, 0 otherwise.
struct Wake {
  int fds[2] = {-1, -1};
  bool synchronous = false;
  std::atomic<long> sync_thread{0};
  // Ring only when it matters: a waiter is (about to be) asleep, or the descriptor was handed
  // out with fd() and must poll readable for every note. A flood then costs no wake-up per note.
  std::atomic<int> sleeping{0};
  std::atomic<bool> exported{false};
  // POSIX: the descriptor may be readable (set after a ring's write, or when a wait saw it), so
  // clearing it is worth a read; an exported one is always read, since a poll elsewhere may see
  // it first. Most waits then clear nothing and pay no system call.
  std::atomic<bool> rung{false};
  // Called by a producer after queueing. `sleeping` is read with a read-modify-write, which
  // synchronizes with the waiter's exchange (see receive() in receiver.cc): one of the two
  // always sees the other.
  bool wanted() noexcept { return exported.load() || sleeping.fetch_add(0) != 0; }
};

struct NoteFilter;

namespace backend {

// --- posting ---
Status post(long pid, const Note& note) noexcept;
Status post_group(long group, const Note& note) noexcept;

// --- the entry point ---
// The carrier of a note: a signal, kMailbox, or kUncatchable.
int carrier_of(const Note& note) noexcept;
// The carriers of the plain (non-system) notes with a carrier of their own, for NoteSet::all().
std::span<const int> plain_carriers() noexcept;
// Makes the entry point catch `carrier` (first watcher) / puts the previous disposition back (last
// watcher gone). Called under the registry lock.
Status watch(int carrier) noexcept;
void unwatch(int carrier) noexcept;
// A string note stalled in the mailbox because a receiver's queue was full; called (outside note
// context) after a receiver made room.
void resume_mailbox() noexcept;
// Called by a waiter that wants string notes before it sleeps: reads what waits in the mailbox,
// so a doorbell that never came (blocked everywhere, or lost) cannot leave a note there.
void check_mailbox() noexcept;
// A waiter that wants string notes may instead watch the mailbox itself while it sleeps, so a
// string note needs no doorbell: mailbox_poll_begin() gives what to pass to wake_wait (-1: this
// backend or this moment has nothing to watch; then check_mailbox() as above), and each one
// that gave >= 0 is followed by mailbox_poll_end(), which reads what waits (`readable`: the
// wait said it has something).
int mailbox_poll_begin() noexcept;
void mailbox_poll_end(bool readable) noexcept;
// Whether some consumer of string notes needs them pushed: an async handler, a synchronous
// receiver, or a receiver whose fd() was handed out. When none does, each reader pulls (reads
// the mailbox itself when it looks for a note) and a string note costs its sender no doorbell.
// Under the registry lock; the backend reads what waits when it turns to pushing.
void mailbox_push(bool needed) noexcept;

// --- the registry lock (ordinary context only; never taken in note context) ---
void lock_registry() noexcept;
void unlock_registry() noexcept;
// Lets another thread run while waiting for an in-flight handler to leave.
void yield() noexcept;
// A monotonic clock in nanoseconds.
int64_t monotonic_ns() noexcept;

// --- waking waiters ---
Status wake_open(Wake& w) noexcept;
void wake_close(Wake& w) noexcept;
void wake_ring(Wake& w) noexcept;   // async-signal-safe
void wake_clear(Wake& w) noexcept;  // consumes pending rings
// Waits until rung, `also` (from mailbox_poll_begin, or -1) has something to read, or
// `timeout_ns` passes (< 0: forever). Returns timed_out, interrupted, or ok; `*also_ready` says
// whether `also` has something to read.
Status wake_wait(Wake& w, int64_t timeout_ns, int also = -1, bool* also_ready = nullptr) noexcept;
int wake_fd(const Wake& w) noexcept;

// --- synchronous delivery (Receiver::Options::synchronous) ---
// A synchronous receiver opens (begin) and goes (end): its waiter is woken by a signal, whose
// handler must be in place while it exists.
Status sync_begin() noexcept;
void sync_end() noexcept;
// The calling thread's id, for Wake::sync_thread.
long thread_id() noexcept;
// Sleeps until one of the signals that `filter` needs is pending for the calling thread (or
// `w` is rung, or `timeout_ns` passes, < 0: forever), takes it and runs the entry point for it
// here, in ordinary context. Returns timed_out, interrupted, ok, or invalid_argument when the
// backend has no such delivery.
Status take_note(const NoteFilter& filter, Wake& w, int64_t timeout_ns) noexcept;

}  // namespace backend
}  // namespace notes::detail

#endif  // NOTES_COMMON_BACKEND_H
