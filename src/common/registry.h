// The registry: every live receiver channel and async handler, and the dispatch that the backend's
// entry point runs for each caught note.
//
// Mutations (attach/detach) run in ordinary context under the backend's registry lock. Dispatch
// runs in note context and takes no lock: each slot has an in-flight count, and detach waits for
// it to reach zero after emptying the slot, so nothing is delivered after detach returns.
#ifndef NOTES_COMMON_REGISTRY_H
#define NOTES_COMMON_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include <atomic>

#include "common/backend.h"
#include "common/note_filter.h"
#include "common/note_ring.h"
#include "notes/counters.h"
#include "notes/handler.h"
#include "notes/note.h"

namespace notes::detail {

// What a Receiver owns: its filter, queue and wake-up.
struct Channel {
  NoteFilter filter;
  NoteRing ring;
  NoteRing::Cell* cells = nullptr;
  Wake wake;
  int slot = -1;
  bool strings = false;  // the filter takes string notes (the mailbox carrier)
  // Its string notes must be pushed (backend::mailbox_push): it waits in sigtimedwait, or its
  // descriptor was handed out. Changes under the registry lock.
  bool pushed() const noexcept { return strings && (wake.synchronous || wake.exported.load()); }
  std::atomic<bool> stopped{false};
  std::atomic<uint64_t> queued{0};
  std::atomic<uint64_t> received{0};
  std::atomic<uint64_t> dropped{0};
};

constexpr int kMaxChannels = 64;
constexpr int kMaxHandlers = 32;

namespace registry {

// Ordinary context.
Status attach(Channel* channel) noexcept;
void detach(Channel* channel) noexcept;
Status attach_handler(HandlerFunction fn, void* context, NoteFilter* filter, int* slot) noexcept;
// Returns the handler's filter, for the caller to free.
NoteFilter* detach_handler(int slot) noexcept;
// Receiver::fd(): from now on every note queued to `channel` rings its wake-up.
void export_wake(Channel* channel) noexcept;

// Note context (async-signal-safe). dispatch() runs the handler chain and queues a copy to each
// matching receiver; it returns false when nothing took the note (the default action is due).
bool dispatch(const Note& note, int carrier) noexcept;
// Whether a note held back by its carrier (the mailbox) should be dispatched now: nobody wants
// it, some receiver that wants it has no room yet, or every one that wants it has room. One pass.
enum class Admission { unwanted, no_room, admit };
Admission admit(const Note& note, int carrier) noexcept;

void count_caught() noexcept;
void count_unhandled() noexcept;
void count_refused() noexcept;

// In a forked child, before it runs anything else: each channel gets a new wake-up and an empty
// queue (the child starts with no pending notes, as on 9front).
void after_fork_child() noexcept;

}  // namespace registry
}  // namespace notes::detail

#endif  // NOTES_COMMON_REGISTRY_H
