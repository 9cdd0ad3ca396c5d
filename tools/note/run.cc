// note run [--grace SECONDS] [--note NOTE] [--status POLICY] [--on any|failure] [--quiet]
//          -- CMD [ARGS] [-- CMD [ARGS]...]
//
// Every command is a member of one notes::ShutdownGroup; the timeline of the ladder goes to
// standard error, one line per event, and the group's status becomes ours. As PID 1 in a
// container it reaps orphans and turns termination notes into the group's shutdown.
#include "run.h"

#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "cli.h"
#include "commands.h"
#include "notes/exit_status.h"
#include "notes/shutdown_group.h"

namespace note_cli {
namespace {

struct RunOptions {
  notes::ShutdownGroup::Options group;
  bool quiet = false;
  std::vector<std::vector<std::string>> commands;
};

std::optional<notes::StatusPolicy> parse_policy(std::string_view s) {
  if (s == "first") return notes::StatusPolicy::first;
  if (s == "last") return notes::StatusPolicy::last;
  if (s == "worst") return notes::StatusPolicy::worst;
  if (s == "all") return notes::StatusPolicy::all;
  return std::nullopt;
}

std::optional<notes::TriggerPolicy> parse_trigger(std::string_view s) {
  if (s == "any") return notes::TriggerPolicy::any_exit;
  if (s == "failure") return notes::TriggerPolicy::failure;
  return std::nullopt;
}

// Options come first, each as "--name value" or "--name=value"; the first "--" starts the
// commands, and each further "--" starts another.
std::optional<std::string> parse(std::span<char* const> args, RunOptions& out) {
  size_t i = 0;
  for (; i < args.size(); i++) {
    std::string_view word = args[i];
    if (word == "--") break;
    if (word == "--quiet" || word == "-q") {
      out.quiet = true;
      continue;
    }
    if (word == "-h" || word == "--help") return std::string("help");
    std::string_view name = word, value;
    size_t eq = word.find('=');
    if (eq != std::string_view::npos) {
      name = word.substr(0, eq);
      value = word.substr(eq + 1);
    } else if (word.rfind("--", 0) == 0) {
      if (i + 1 >= args.size()) return fmt::format("run: {} needs a value", word);
      value = args[++i];
    }
    if (name == "--grace") {
      auto grace = parse_seconds(value);
      if (!grace) return fmt::format("run: bad grace period: {}", value);
      out.group.grace = *grace;
    } else if (name == "--note") {
      if (notes::Status s = notes::Note::validate(value); !s.ok()) {
        return fmt::format("run: bad note: {}", s.to_string());
      }
      out.group.note = std::string(value);
    } else if (name == "--status") {
      auto p = parse_policy(value);
      if (!p) return fmt::format("run: unknown status policy: {} (first, last, worst, all)", value);
      out.group.status = *p;
    } else if (name == "--on") {
      auto t = parse_trigger(value);
      if (!t) return fmt::format("run: unknown --on policy: {} (any, failure)", value);
      out.group.on = *t;
    } else {
      return fmt::format("run: unknown option: {}", word);
    }
  }
  for (; i < args.size(); i++) {
    if (std::string_view(args[i]) == "--") {
      out.commands.emplace_back();
    } else {
      out.commands.back().emplace_back(args[i]);
    }
  }
  if (out.commands.empty())
    return std::string("run: no command (note run [OPTIONS] -- CMD [ARGS])");
  for (const auto& c : out.commands) {
    if (c.empty()) return std::string("run: empty command between two --");
  }
  return std::nullopt;
}

std::string describe(const notes::ExitStatus& st) {
  if (st.signal() != 0)
    return fmt::format("killed by signal {} (status {})", st.signal(), st.code());
  return fmt::format("status {}", st.code());
}

// One line per event: time since start, who, what happened.
void print_event(const notes::Event& e) {
  using Kind = notes::Event::Kind;
  std::string who = e.member >= 0 ? fmt::format("[{} {} {}]", e.member + 1, e.name, e.pid)
                    : e.pid > 0   ? fmt::format("[orphan {}]", e.pid)
                                  : std::string("[group]");
  std::string what;
  switch (e.kind) {
    case Kind::started: what = "started"; break;
    case Kind::spawn_failed: what = "could not be started, " + describe(e.status); break;
    case Kind::exited: what = "exited, " + describe(e.status); break;
    case Kind::trigger: what = fmt::format("shutdown: {}", e.detail); break;
    case Kind::note_posted: what = fmt::format("posted note '{}' to its group", e.detail); break;
    case Kind::continued: what = "sent SIGCONT to its group"; break;
    case Kind::grace_skipped:
      what = fmt::format("grace period cut short: {} again", e.detail);
      break;
    case Kind::escalated: what = "grace period over: sent SIGKILL to its group"; break;
    case Kind::reaped:
      what = e.member >= 0 ? "reaped, group empty" : "reaped, " + describe(e.status);
      break;
    case Kind::error: what = fmt::format("error: {}", e.detail); break;
    case Kind::finished: what = "finished, " + describe(e.status); break;
  }
  fmt::print(stderr, "note run: {:8.3f}s {} {}\n", std::chrono::duration<double>(e.elapsed).count(),
             who, what);
}

}  // namespace

int run_command(std::span<char* const> args) {
  RunOptions options;
  if (auto error = parse(args, options)) {
    if (*error == "help") return help_command();
    return usage_error(*error);
  }
  if (!options.quiet) options.group.on_event = print_event;
  notes::ShutdownGroup group(options.group);
  for (auto& command : options.commands) {
    auto member = group.spawn(std::move(command));
    if (!member) {
      report(member.status());
      group.shutdown();
      break;
    }
  }
  std::fflush(stdout);
  return group.run().code();
}

}  // namespace note_cli
