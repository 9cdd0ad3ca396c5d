// The POSIX entry point: one sigaction handler for every signal a receiver, a handler or the
// mailbox needs, installed on first use and put back exactly as it was on last use.
#ifndef NOTES_POSIX_SIGNALS_H
#define NOTES_POSIX_SIGNALS_H

#include <signal.h>

#include "notes/status.h"

namespace notes::detail::signals {

// The mailbox's doorbell. SIGURG's default action is to ignore it, so a doorbell that lands after
// the receiver closed its mailbox is harmless (Go preempts goroutines with SIGURG for the same
// reason). On Linux the doorbell carries SI_QUEUE and kDoorbellTag, so a real SIGURG can still be
// received as "sys: urgent condition on socket".
constexpr int kDoorbell = SIGURG;
constexpr int kDoorbellTag = 0x6e6f7465;  // "note"

// Catch `sig`. `as_note`: deliver the signal's own note (else only the mailbox uses it).
// Counted: the first install saves the old disposition, the last uninstall restores it. Called
// under the registry lock.
Status install(int sig, bool as_note) noexcept;
void uninstall(int sig, bool as_note) noexcept;

// Runs the entry point for a signal taken synchronously (sigtimedwait), in ordinary context.
void run_entry_point(int sig, siginfo_t* info) noexcept;

// Registers the fork handlers, once (safe from any thread).
void register_fork_handlers() noexcept;

}  // namespace notes::detail::signals

#endif  // NOTES_POSIX_SIGNALS_H
