#include "commands.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "cli.h"
#include "notes/notes.h"

namespace note_cli {
namespace {

constexpr std::string_view kHelpText = R"(usage:
  note post [-g] ID NOTE
      Post NOTE to process ID; with -g, to every process of process group ID
      but the caller. A note with a signal (see note signals) is sent as that
      signal; any other text goes to the process's mailbox, which only a
      program waiting for notes (such as note wait) has.
  note wait [-n COUNT] [-t SECONDS] [NOTE...]
      Wait for the listed notes, or for every note but system notes ("sys: ...")
      when none is listed: then hangup, interrupt, quit, alarm and kill are
      caught too and no longer end it. First print this process's id, then each
      note received on a line of its own (a newline in a note is printed as \n,
      a backslash as \\). -n: exit after COUNT notes. -t: give up after SECONDS
      in all (fractions allowed, e.g. 0.5).
  note run [--grace SECONDS] [--note NOTE] [--status first|last|worst|all]
           [--on any|failure] [--quiet] -- CMD [ARGS] [-- CMD [ARGS]...]
      Run the commands as one shutdown group. When one exits (--on failure:
      when one fails), or when note run gets interrupt, hangup or kill, it posts
      NOTE (default kill, i.e. SIGTERM) once to each command's process group,
      sends SIGCONT, waits SECONDS (default 5; a second interrupt, hangup or
      kill ends the wait), then kills what is left and reaps everything. The
      timeline goes to standard error; the exit status is the group's: the
      first command to exit decides (--status), a command killed by signal S
      counts as 128+S, one that cannot be started as 127 (126 if not
      executable).
  note signals
      Print the note/signal table: signal number, signal name, note.
  note help, note --help
      Print this text.

exit status:
  0  success
  1  timed out: the SECONDS of note wait -t ran out (before COUNT notes came,
     or at all without -n)
  2  usage error: unknown option or subcommand, missing or extra argument, bad
     number, more than 32 notes to wait for
  3  note rejected: empty, longer than 127 bytes, contains NUL, or can never be
     caught (sys: kill, sys: stop, the synchronous faults)
  4  no such process (or process group)
  5  permission denied: the process belongs to another user
  6  note not posted: the process's note queue is full; try again
  7  not deliverable: a string note to a process that has no mailbox
  8  other system error
  note run exits with the group's status (see above), 2 for a usage error, and
  125 when it cannot supervise at all.
Errors are reported as one line on standard error.
)";

// A line of standard output, flushed at once: the reader is usually a script that acts on each
// line as it comes, not when a buffer happens to fill.
bool print_line(std::string_view text) {
  fmt::print(stdout, "{}\n", text);
  return std::fflush(stdout) == 0 && !std::ferror(stdout);
}

Exit output_error() {
  fmt::print(stderr, "note: cannot write to standard output: {}\n", std::strerror(errno));
  return kSystemError;
}

// A note may hold a newline; escaped, every note stays one line, so a script reading lines can
// never take one note for two (nor be fed a forged "kill" line inside another note).
std::string one_line(std::string_view note) {
  std::string line;
  line.reserve(note.size());
  for (char c : note) {
    if (c == '\n') {
      line += "\\n";
    } else if (c == '\\') {
      line += "\\\\";
    } else {
      line += c;
    }
  }
  return line;
}

// The library's messages name a process; when the id was a group's, say so.
Exit report_group(const notes::Status& status, long group) {
  if (status.value() != group) return report(status);
  switch (status.code()) {
    case notes::Code::no_such_process:
      fmt::print(stderr, "note: no such process group: {}\n", group);
      break;
    case notes::Code::permission_denied:
      fmt::print(stderr, "note: permission denied: process group {} belongs to another user\n",
                 group);
      break;
    case notes::Code::not_deliverable:
      fmt::print(stderr,
                 "note: note not deliverable: no process of group {} has a mailbox (none receives "
                 "string notes)\n",
                 group);
      break;
    default: return report(status);
  }
  return exit_for(status.code());
}

}  // namespace

int post_command(std::span<char* const> args) {
  OptionScanner options(args, "g");
  bool group = false;
  for (char c; (c = options.next()) != OptionScanner::kEnd;) {
    switch (c) {
      case 'g': group = true; break;
      case 'h': return help_command();
      default: return usage_error(options.error());
    }
  }
  std::span<char* const> operands = options.operands();
  if (operands.empty()) return usage_error("post: missing process id and note");
  if (operands.size() == 1) return usage_error("post: missing note");
  if (operands.size() > 2) {
    return usage_error("post: too many arguments (quote a note that has spaces)");
  }
  std::string_view id_text = operands[0];
  std::string_view note = operands[1];
  std::optional<long> id = parse_id(id_text);
  if (!id) return usage_error(fmt::format("bad process {}id: {}", group ? "group " : "", id_text));

  if (group) {
    notes::Status s = notes::post_group(*id, note);
    return s.ok() ? kSuccess : report_group(s, *id);
  }
  notes::Status s = notes::post(*id, note);
  return s.ok() ? kSuccess : report(s);
}

int wait_command(std::span<char* const> args) {
  OptionScanner options(args, "n:t:");
  std::optional<int64_t> count;  // none: until killed or timed out
  std::optional<std::chrono::nanoseconds> timeout;
  for (char c; (c = options.next()) != OptionScanner::kEnd;) {
    switch (c) {
      case 'n':
        count = parse_count(options.value());
        if (!count) return usage_error(fmt::format("bad count: {}", options.value()));
        break;
      case 't':
        timeout = parse_seconds(options.value());
        if (!timeout) return usage_error(fmt::format("bad number of seconds: {}", options.value()));
        break;
      case 'h': return help_command();
      default: return usage_error(options.error());
    }
  }
  std::span<char* const> operands = options.operands();
  notes::NoteSet wanted =
      operands.empty()
          ? notes::NoteSet::all()
          : notes::NoteSet(std::vector<std::string_view>(operands.begin(), operands.end()));
  notes::Result<notes::Receiver> receiver = notes::Receiver::open(wanted);
  if (!receiver) return report(receiver.status());

  // Only now is a note posted to this process caught rather than lost (or fatal), so only now may
  // a script learn the pid and start posting.
  if (!print_line(std::to_string(getpid()))) return output_error();

  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + timeout.value_or(Clock::duration::zero());
  for (int64_t received = 0; !count || received < *count; received++) {
    notes::Result<notes::Note> note =
        timeout ? receiver->wait_for(deadline - Clock::now()) : receiver->wait();
    // A timeout is an answer, not a failure: the exit status says it, standard error stays quiet.
    if (!note && note.status() == notes::Code::timed_out) return kTimedOut;
    if (!note) return report(note.status());
    if (!print_line(one_line(note->view()))) return output_error();
  }
  return kSuccess;
}

int signals_command(std::span<char* const> args) {
  OptionScanner options(args, "");
  switch (options.next()) {
    case OptionScanner::kEnd: break;
    case 'h': return help_command();
    default: return usage_error(options.error());
  }
  if (!options.operands().empty()) return usage_error("signals: too many arguments");
  for (const notes::SignalName& row : notes::signal_table()) {
    if (!print_line(fmt::format("{:>2}  {:<9}  {}", row.signal, row.name, row.note))) {
      return output_error();
    }
  }
  return kSuccess;
}

int help_command() {
  fmt::print(stdout, "{}", kHelpText);
  return std::fflush(stdout) == 0 ? kSuccess : output_error();
}

}  // namespace note_cli
