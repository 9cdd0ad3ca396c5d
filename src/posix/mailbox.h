// The string-note mailbox: a Unix datagram socket per receiving process, in a per-user directory
// (mode 0700, owner checked, never a link), named <pid>.<start time> so that a later process with
// the same pid never receives a note meant for an earlier one. A sender writes the note, then
// rings the doorbell signal unless a waiter polls the socket itself (bell.h); the entry point, or
// that waiter, drains the socket into the receivers' queues.
#ifndef NOTES_POSIX_MAILBOX_H
#define NOTES_POSIX_MAILBOX_H

#include <signal.h>

#include "notes/note.h"
#include "notes/status.h"

namespace notes::detail::mailbox {

// Under the registry lock: make / remove this process's mailbox.
Status open() noexcept;
void close() noexcept;

// Note context: read every waiting datagram into the receivers. A note whose receivers' queues
// are full stays (held) until resume() after a receiver made room, so the socket fills and
// senders see queue_full instead of a silent drop.
void drain() noexcept;
void resume() noexcept;
// Ordinary context: drains the mailbox if a datagram waits (one ioctl otherwise).
void check() noexcept;
// Ordinary context, for a waiter about to sleep: the socket's descriptor, for the waiter to poll
// beside its wake-up, and senders told (bell.h) that they need not ring; -1 when the waiter must
// rely on the doorbell instead. Each poll_begin() >= 0 is followed by one poll_end(), which reads
// what waits (`readable`: poll said the socket has some). The descriptor may be closed under a
// waiter whose receiver stopped: it then polls invalid or wakes at once, and its wake-up is rung
// anyway.
int poll_begin() noexcept;
void poll_end(bool readable) noexcept;
// Under the registry lock: whether string notes must be pushed (rung and drained in note
// context) or may wait in the socket for a reader to pull them (bell.h, kPulled).
void set_push(bool needed) noexcept;
bool is_doorbell(const siginfo_t* info) noexcept;

// In a forked child: forget the parent's mailbox; make the child's own if one is watched.
void after_fork_child(bool watched) noexcept;

// Sending (mailbox_post.cc). The sender keeps a small cache of targets under a lock, which fork
// must hold: lock_sender() before fork, then unlock_sender() in the parent or
// after_fork_child_sender() in the child.
Status post(long pid, const Note& note) noexcept;
Status post_group(long group, const Note& note) noexcept;
void lock_sender() noexcept;
void unlock_sender() noexcept;
void after_fork_child_sender() noexcept;

}  // namespace notes::detail::mailbox

#endif  // NOTES_POSIX_MAILBOX_H
