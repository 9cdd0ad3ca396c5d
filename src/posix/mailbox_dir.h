// Where mailboxes live: <base>/notes-<uid>/<pid>.<start time>. The base is $NOTES_MAILBOX_DIR or
// /tmp; senders and receivers must agree on it. The start time in the name ties a mailbox to one
// process, so a later process with the same pid never gets a note meant for an earlier one.
#ifndef NOTES_POSIX_MAILBOX_DIR_H
#define NOTES_POSIX_MAILBOX_DIR_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#include "common/text.h"
#include "notes/status.h"

namespace notes::detail::mailbox {

const char* base_dir() noexcept;
// Appends <base>/notes-<uid>.
void user_dir(TextBuffer& t, uid_t uid) noexcept;
// The address of the mailbox of process `pid` started at `start`, owned by `uid`. False when the
// path does not fit in a socket address.
bool mailbox_path(sockaddr_un& addr, uid_t uid, long pid, uint64_t start) noexcept;
// Parses "<pid>.<start>" (the socket) or "<pid>.<start>.bell" (its doorbell word, when `bell`
// is given: it says which); false for any other name.
bool parse_name(const char* name, long* pid, uint64_t* start, bool* bell = nullptr) noexcept;
// The doorbell word's file next to a mailbox: "<mailbox>.bell". False when it does not fit.
bool bell_path(char* out, size_t size, const sockaddr_un& mailbox) noexcept;
// Makes (or checks) this user's directory: ours, a directory and not a link, mode 0700. Writes
// its path to `path`. On failure the Status's what() names the directory and the problem.
Status ensure_user_dir(char* path, size_t size) noexcept;
// Removes the mailboxes in `dir` of processes that are gone (killed before they could).
void remove_stale(const char* dir) noexcept;

}  // namespace notes::detail::mailbox

#endif  // NOTES_POSIX_MAILBOX_DIR_H
