// Which notes the Plan 9 entry point can catch. Plan 9 has one way for every note to arrive (the
// notify handler), so every note has the carrier kMailbox, whose filters compare the text; only
// exit notes have a carrier of their own (group_exit.h). The trampoline is installed in every
// proc for the program's whole life (start.cc), so watching and unwatching need no system call:
// a note nobody watches gets the default action, as if there were no handler (notify(2)).
//
// Uncatchable: "sys: kill" and "sys: stop" (the names of SIGKILL and SIGSTOP, kept so that
// portable programs get the same answer), "sys: killed" (ctl kill: 9front port/proc.c procctl
// ends the proc before any handler runs), and the synchronous faults, which the kernel posts to
// the faulting proc only and which come back at once if the handler continues (9front
// pc64/trap.c usertrap, fault; pc64/fpu.c; port/sysproc.c for bad system calls).
#include <string_view>

#include "common/backend.h"
#include "plan9/group_exit.h"

namespace notes::detail::backend {
namespace {

constexpr std::string_view kNeverCaught[] = {"sys: kill", "sys: stop", "sys: killed"};
constexpr std::string_view kFaultPrefixes[] = {
    "sys: trap:",          "sys: fp:",
    "sys: breakpoint",     "sys: debug exception",
    "sys: watchpoint",     "sys: bad sys call",
    "sys: bad address",    "sys: odd ",
    "sys: floating point", "sys: segmentation violation",
    "sys: bus error",      "sys: illegal instruction",
};

}  // namespace

int carrier_of(const Note& note) noexcept {
  const std::string_view text = note.view();
  if (group_exit::is_exit_note(text)) return group_exit::kCarrier;
  for (std::string_view u : kNeverCaught) {
    if (text == u) return kUncatchable;
  }
  for (std::string_view p : kFaultPrefixes) {
    if (text.substr(0, p.size()) == p) return kUncatchable;
  }
  return kMailbox;
}

std::span<const int> plain_carriers() noexcept {
  return {};
}

Status watch(int) noexcept {
  return Status();
}
void unwatch(int) noexcept {}
void resume_mailbox() noexcept {}
void check_mailbox() noexcept {}
int mailbox_poll_begin() noexcept {
  return -1;
}  // one carrier for everything: nothing to watch
void mailbox_poll_end(bool) noexcept {}
void mailbox_push(bool) noexcept {}

}  // namespace notes::detail::backend
