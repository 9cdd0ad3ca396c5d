// The note/signal table: plan9port's lib9/await.c table, exact strings both ways.
#include "notes/signal_map.h"

#include <signal.h>

#include "common/text.h"

namespace notes {
namespace {

#define ROW(sig, note) \
  { sig, #sig, note }
constexpr SignalName kTable[] = {
    ROW(SIGHUP, "hangup"),
    ROW(SIGINT, "interrupt"),
    ROW(SIGQUIT, "quit"),
    ROW(SIGILL, "sys: illegal instruction"),
    ROW(SIGTRAP, "sys: breakpoint"),
    ROW(SIGABRT, "sys: abort"),
#ifdef SIGEMT
    ROW(SIGEMT, "sys: emulate instruction executed"),
#endif
    ROW(SIGFPE, "sys: fp: trap"),
    ROW(SIGKILL, "sys: kill"),
    ROW(SIGBUS, "sys: bus error"),
    ROW(SIGSEGV, "sys: segmentation violation"),
    ROW(SIGALRM, "alarm"),
    ROW(SIGTERM, "kill"),
    ROW(SIGURG, "sys: urgent condition on socket"),
    ROW(SIGSTOP, "sys: stop"),
    ROW(SIGTSTP, "sys: tstp"),
    ROW(SIGCONT, "sys: cont"),
    ROW(SIGCHLD, "sys: child"),
    ROW(SIGTTIN, "sys: ttin"),
    ROW(SIGTTOU, "sys: ttou"),
    ROW(SIGIO, "sys: i/o possible on fd"),
    ROW(SIGXCPU, "sys: cpu time limit exceeded"),
    ROW(SIGXFSZ, "sys: file size limit exceeded"),
    ROW(SIGVTALRM, "sys: virtual time alarm"),
    ROW(SIGPROF, "sys: profiling timer alarm"),
    ROW(SIGWINCH, "sys: window size change"),
#ifdef SIGINFO
    ROW(SIGINFO, "sys: status request"),
#endif
    ROW(SIGUSR1, "sys: usr1"),
    ROW(SIGUSR2, "sys: usr2"),
    ROW(SIGPIPE, "sys: write on closed pipe"),
};
#undef ROW

constexpr std::string_view kUnnamedPrefix = "sys: signal ";

// The highest signal number of this platform.
int max_signal() noexcept {
#ifdef SIGRTMAX
  return SIGRTMAX;
#else
  return NSIG - 1;
#endif
}

}  // namespace

std::span<const SignalName> signal_table() noexcept {
  return kTable;
}

Note note_for_signal(int signal) noexcept {
  if (signal < 1 || signal > max_signal()) return Note();
  for (const SignalName& row : kTable) {
    if (row.signal == signal) return *Note::make(row.note);
  }
  char buf[32];
  detail::TextBuffer t(buf, sizeof buf);
  t.add(kUnnamedPrefix.data(), kUnnamedPrefix.size()).add(static_cast<int64_t>(signal));
  return *Note::make(std::string_view(buf, t.wanted()));
}

int signal_for_note(std::string_view note) noexcept {
  for (const SignalName& row : kTable) {
    if (note == row.note) return row.signal;
  }
  if (note.substr(0, kUnnamedPrefix.size()) != kUnnamedPrefix) return 0;
  std::string_view digits = note.substr(kUnnamedPrefix.size());
  if (digits.empty() || digits.size() > 3 || digits[0] == '0') return 0;
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  if (n < 1 || n > max_signal()) return 0;
  // A named signal is spelled by its name only, so each note has one spelling.
  for (const SignalName& row : kTable) {
    if (row.signal == n) return 0;
  }
  return n;
}

bool is_uncatchable(std::string_view note) noexcept {
  int signal = signal_for_note(note);
#ifdef SIGRTMIN
  // Signals between the last standard one and SIGRTMIN belong to the C library's threads.
  if (signal > SIGSYS && signal < SIGRTMIN) return true;
#endif
  switch (signal) {
    case SIGKILL:
    case SIGSTOP:
    case SIGSEGV:
    case SIGBUS:
    case SIGILL:
    case SIGFPE:
    case SIGTRAP: return true;
    default: return false;
  }
}

}  // namespace notes
