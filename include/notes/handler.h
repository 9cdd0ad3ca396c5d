// notes/handler.h: async handlers, the chain that runs in note context (Plan 9's atnotify).
//
// A handler is a plain function called in the entry point: a signal handler on POSIX, the notify
// trampoline on Plan 9. A string note on POSIX may also reach it on a thread that is reading the
// mailbox at that moment (a receiver's waiter, or install() itself), outside any signal handler;
// the rules below are the same. Handlers run in install order; the first that returns
// Disposition::handled ends the chain. Receivers (receiver.h) still get their copies. When no
// handler and no receiver takes a note, its default action runs: on POSIX the disposition that
// was in place before this library (chained handler, ignore, or the signal's default action);
// for a string note, which has no default action on POSIX, it is counted as unhandled and
// discarded.
//
// Handler code must be async-signal-safe: allocate nothing, take no lock, and (on Plan 9) touch no
// floating point. The Note it gets lives only for the call.
//
// Thread-safety: install() and remove() are safe from any thread; neither is async-signal-safe,
// and remove() must not be called from inside a handler.
#ifndef NOTES_HANDLER_H
#define NOTES_HANDLER_H

#include "notes/note.h"
#include "notes/note_set.h"
#include "notes/status.h"

namespace notes {

enum class Disposition : bool { not_mine = false, handled = true };

using HandlerFunction = Disposition (*)(const Note& note, void* context) noexcept;

class Handler {
 public:
  // Adds `fn` to the end of the chain for `notes`. Errors: the note errors of Note::validate,
  // uncatchable, too_many (at most 32 handlers, as Plan 9's atnotify has about as many slots),
  // io.
  static Result<Handler> install(const NoteSet& notes, HandlerFunction fn,
                                 void* context = nullptr) noexcept;

  Handler(Handler&& other) noexcept : slot_(other.slot_) { other.slot_ = -1; }
  Handler& operator=(Handler&& other) noexcept;
  Handler(const Handler&) = delete;
  Handler& operator=(const Handler&) = delete;
  ~Handler() { remove(); }

  // Takes the handler out of the chain. After it returns the function is never called again, and
  // the notes' previous dispositions are back if nothing else watches them. Idempotent.
  void remove() noexcept;

 private:
  explicit Handler(int slot) noexcept : slot_(slot) {}
  int slot_ = -1;
};

}  // namespace notes

#endif  // NOTES_HANDLER_H
