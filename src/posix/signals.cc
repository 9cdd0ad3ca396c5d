#include "posix/signals.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>

#include "common/backend.h"
#include "common/note_filter.h"
#include "common/registry.h"
#include "notes/signal_map.h"
#include "posix/mailbox.h"

namespace notes::detail::signals {
namespace {

constexpr int kSignals = kMaxCarriers;

// The disposition before ours, as the handler needs it (read in note context, so atomics).
struct Previous {
  std::atomic<uintptr_t> action{0};  // SIG_DFL, SIG_IGN or a function
  std::atomic<bool> siginfo{false};  // the function takes (int, siginfo_t*, void*)
};

Previous previous[kSignals];
struct sigaction saved[kSignals];  // the whole old sigaction, restored exactly (registry lock)
int installs[kSignals];            // registry lock
int note_watchers[kSignals];       // registry lock
std::atomic<bool> note_watched[kSignals];
std::atomic<bool> mailbox_open{false};

uintptr_t as_word(void (*fn)(int)) noexcept {
  return reinterpret_cast<uintptr_t>(fn);
}

// Calls the handler that was there before ours. True when there was one.
bool chain(int sig, siginfo_t* info, void* context) noexcept {
  uintptr_t action = previous[sig].action.load();
  if (action == as_word(SIG_DFL) || action == as_word(SIG_IGN)) return false;
  if (previous[sig].siginfo.load()) {
    reinterpret_cast<void (*)(int, siginfo_t*, void*)>(action)(sig, info, context);
  } else {
    reinterpret_cast<void (*)(int)>(action)(sig);
  }
  return true;
}

// The signal's own default action, as if we had never caught it.
void default_action(int sig) noexcept {
  if (previous[sig].action.load() == as_word(SIG_IGN)) return;
  switch (sig) {
    case SIGCHLD:
    case SIGCONT:
    case SIGURG:
    case SIGWINCH: return;  // default: ignore
    default: break;
  }
  struct sigaction dfl, ours;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, &ours);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  raise(sig);  // pending while we block it
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  // Still here: a stop signal, now continued. Catch it again.
  sigaction(sig, &ours, nullptr);
}

void on_signal(int sig, siginfo_t* info, void* context) {
  int saved_errno = errno;
  bool doorbell = false;
  if (sig == kDoorbell && mailbox_open.load()) {
    doorbell = mailbox::is_doorbell(info);
    mailbox::drain();
  }
  if (!doorbell) {
    bool taken = false;
    if (note_watched[sig].load()) {
      registry::count_caught();
      taken = registry::dispatch(note_for_signal(sig), sig);
    }
    // The disposition from before us is the last link of the chain: it runs when no handler
    // and no receiver took the note, including one that lands while the last watcher leaves.
    if (!taken && !chain(sig, info, context)) default_action(sig);
  }
  errno = saved_errno;
}

void fork_prepare() {
  mailbox::lock_sender();
  backend::lock_registry();
}
void fork_parent() {
  backend::unlock_registry();
  mailbox::unlock_sender();
}
void fork_child() {
  registry::after_fork_child();
  mailbox::after_fork_child(mailbox_open.load());
  backend::unlock_registry();
  mailbox::after_fork_child_sender();
}

}  // namespace

void run_entry_point(int sig, siginfo_t* info) noexcept {
  on_signal(sig, info, nullptr);
}

Status install(int sig, bool as_note) noexcept {
  if (sig <= 0 || sig >= kSignals) {
    return Status(Code::invalid_argument, sig, 0, "signal number out of range");
  }
  if (installs[sig] == 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    // Read the old disposition first, so the handler never sees a half-set `previous`.
    if (sigaction(sig, nullptr, &saved[sig]) != 0) {
      return Status(Code::io, sig, errno, "sigaction failed");
    }
    previous[sig].siginfo.store((saved[sig].sa_flags & SA_SIGINFO) != 0);
    previous[sig].action.store((saved[sig].sa_flags & SA_SIGINFO)
                                   ? reinterpret_cast<uintptr_t>(saved[sig].sa_sigaction)
                                   : as_word(saved[sig].sa_handler));
    if (sigaction(sig, &sa, nullptr) != 0) {
      return Status(Code::io, sig, errno, "sigaction failed");
    }
  }
  installs[sig]++;
  if (as_note && note_watchers[sig]++ == 0) note_watched[sig].store(true);
  if (!as_note && sig == kDoorbell) mailbox_open.store(true);
  return Status();
}

void uninstall(int sig, bool as_note) noexcept {
  if (sig <= 0 || sig >= kSignals || installs[sig] == 0) return;
  if (as_note && --note_watchers[sig] == 0) note_watched[sig].store(false);
  if (!as_note && sig == kDoorbell) mailbox_open.store(false);
  if (--installs[sig] == 0) sigaction(sig, &saved[sig], nullptr);
}

void register_fork_handlers() noexcept {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, [] { pthread_atfork(fork_prepare, fork_parent, fork_child); });
}

}  // namespace notes::detail::signals

namespace notes::detail::backend {

int carrier_of(const Note& note) noexcept {
  if (is_uncatchable(note.view())) return kUncatchable;
  int sig = signal_for_note(note.view());
  return sig > 0 && sig < kMaxCarriers ? sig : kMailbox;
}

std::span<const int> plain_carriers() noexcept {
  static const int kPlain[] = {SIGHUP, SIGINT, SIGQUIT, SIGALRM, SIGTERM};
  return kPlain;
}

Status watch(int carrier) noexcept {
  signals::register_fork_handlers();
  if (carrier == kMailbox) return mailbox::open();
  return signals::install(carrier, true);
}

void unwatch(int carrier) noexcept {
  if (carrier == kMailbox) {
    mailbox::close();
  } else {
    signals::uninstall(carrier, true);
  }
}

void resume_mailbox() noexcept {
  mailbox::resume();
}
void check_mailbox() noexcept {
  mailbox::check();
}
int mailbox_poll_begin() noexcept {
  return mailbox::poll_begin();
}
void mailbox_poll_end(bool readable) noexcept {
  mailbox::poll_end(readable);
}
void mailbox_push(bool needed) noexcept {
  mailbox::set_push(needed);
}

Status sync_begin() noexcept {
  lock_registry();
  Status s = signals::install(signals::kDoorbell, false);
  unlock_registry();
  return s;
}

void sync_end() noexcept {
  lock_registry();
  signals::uninstall(signals::kDoorbell, false);
  unlock_registry();
}

long thread_id() noexcept {
  return syscall(SYS_gettid);
}

Status take_note(const NoteFilter& filter, Wake& w, int64_t timeout_ns) noexcept {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signals::kDoorbell);  // string notes, and the wake-up of this waiter
  filter.for_each_carrier([&](int c) {
    if (c != kMailbox) sigaddset(&set, c);
  });
  siginfo_t info;
  int sig;
  if (timeout_ns < 0) {
    sig = sigwaitinfo(&set, &info);
  } else {
    timespec ts{static_cast<time_t>(timeout_ns / 1000000000),
                static_cast<long>(timeout_ns % 1000000000)};
    sig = sigtimedwait(&set, &info, &ts);
  }
  // Awake: what is queued from here on (by our own dispatch below, too) needs no signal.
  w.sleeping.store(0);
  w.sync_thread.store(0);
  if (sig < 0) {
    if (errno == EAGAIN) return Status(Code::timed_out);
    if (errno == EINTR) return Status(Code::interrupted);
    return Status(Code::io, 0, errno, "sigtimedwait failed");
  }
  signals::run_entry_point(sig, &info);
  return Status();
}

}  // namespace notes::detail::backend
