// notes/signal_map.h: the note/signal table (POSIX).
//
// Notes with a signal travel as that signal, so kill(1), shells and any other program interoperate
// in both directions. The table is plan9port's (lib9/await.c), both ways: SIGHUP is "hangup",
// SIGTERM is "kill" (a polite request, as plan9port and Go's Process.Kill treat it), SIGKILL is
// "sys: kill", and so on. A signal with no name is "sys: signal N", and that text maps back to N.
// Any other text is a string note and travels through the receiver's mailbox.
//
// Thread-safety: all functions are safe to call from any thread. Async-signal-safety: all are.
#ifndef NOTES_SIGNAL_MAP_H
#define NOTES_SIGNAL_MAP_H

#include <span>
#include <string_view>

#include "notes/note.h"

namespace notes {

struct SignalName {
  int signal;        // the platform's signal number
  const char* name;  // the macro's name, e.g. "SIGHUP"
  const char* note;  // the note, e.g. "hangup"
};

// Every named row of the table, in signal order of plan9port's table.
std::span<const SignalName> signal_table() noexcept;

// The note that `signal` travels as: its table name, or "sys: signal N". An empty Note when
// `signal` is not a valid signal number of this platform.
Note note_for_signal(int signal) noexcept;

// The signal that carries `note`, or 0 when the note is a string note (it has no signal).
int signal_for_note(std::string_view note) noexcept;

// True for a note that can never reach a handler: "sys: kill" (SIGKILL) and "sys: stop" (SIGSTOP),
// and the synchronous faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP), which only the thread
// that caused them can see.
bool is_uncatchable(std::string_view note) noexcept;

}  // namespace notes

#endif  // NOTES_SIGNAL_MAP_H
