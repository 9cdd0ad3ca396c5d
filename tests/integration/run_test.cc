// note run: the ladder from the outside, bad input, and note run as PID 1 in a container.
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "integration/checks.h"
#include "integration/child.h"

using namespace integration;
using namespace std::chrono_literals;

namespace {

// Lines of `text` that contain `part`.
int lines_with(const std::string& text, const std::string& part) {
  int n = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    n += text.substr(start, end - start).find(part) != std::string::npos;
    start = end + 1;
  }
  return n;
}

std::vector<std::string> run_args(std::vector<std::string> args) {
  args.insert(args.begin(), "run");
  return args;
}

}  // namespace

TEST_CASE("run_the_ladder_exits_with_the_first_status") {
  Output r =
      note(run_args({"--grace", "1", "--", "/bin/sh", "-c", "sleep 0.3; exit 3", "--", "/bin/sh",
                     "-c", "trap 'exit 0' TERM; while :; do sleep 0.05 & wait $!; done", "--",
                     "/bin/sh", "-c", "trap '' TERM; while :; do sleep 0.05; done"}));
  CAPTURE(r.err);
  CHECK(r.status == 3);
  CHECK(lines_with(r.err, "] started") == 3);
  CHECK(lines_with(r.err, "exited, status 3") == 1);
  CHECK(lines_with(r.err, "posted note 'kill' to its group") == 2);
  CHECK(lines_with(r.err, "sent SIGCONT to its group") == 2);
  CHECK(lines_with(r.err, "grace period over: sent SIGKILL to its group") == 1);
  CHECK(lines_with(r.err, "reaped, group empty") == 3);
  CHECK(lines_with(r.err, "[group] finished, status 3") == 1);
}

TEST_CASE("run_quiet_prints_nothing_and_keeps_the_status") {
  // The shutdown note is one sh leaves alone (SIGCHLD), so whichever member exits first, the
  // other still exits with its own status and worst is 4.
  Output r = note(run_args({"--quiet", "--status", "worst", "--note", "sys: child", "--", "/bin/sh",
                            "-c", "exit 4", "--", "/bin/sh", "-c", "exit 2"}));
  CHECK(r.err == "");
  CHECK(r.status == 4);
}

TEST_CASE("run_a_command_that_cannot_start_is_named_and_stops_the_group") {
  Output r = note(run_args({"--", "sleep", "60", "--", "no-such-command-for-note-run"}));
  CAPTURE(r.err);
  CHECK(r.status == 127);
  CHECK(lines_with(r.err, "cannot start no-such-command-for-note-run: no such file or directory") ==
        1);
  CHECK(lines_with(r.err, "posted note 'kill'") == 1);
}

TEST_CASE("run_a_second_interrupt_skips_the_grace_period") {
  Child run({kNote, "run", "--grace", "60", "--", "/bin/sh", "-c",
             "trap '' INT TERM; while :; do sleep 0.05; done"});
  std::this_thread::sleep_for(300ms);
  kill(run.pid(), SIGINT);
  std::this_thread::sleep_for(300ms);
  kill(run.pid(), SIGINT);
  int status = run.wait();
  std::string err = run.error_output();
  CAPTURE(err);
  CHECK(status == 128 + SIGKILL);
  CHECK(lines_with(err, "shutdown: interrupt") == 1);
  CHECK(lines_with(err, "grace period cut short: interrupt again") == 1);
}

TEST_CASE("run_bad_input_is_one_line_and_exit_2") {
  check_error(note({"run"}), kUsage, "note: run: no command (note run [OPTIONS] -- CMD [ARGS])");
  check_error(note(run_args({"--grace", "soon", "--", "true"})), kUsage,
              "note: run: bad grace period: soon");
  check_error(note(run_args({"--status", "best", "--", "true"})), kUsage,
              "note: run: unknown status policy: best (first, last, worst, all)");
  check_error(note(run_args({"--on", "never", "--", "true"})), kUsage,
              "note: run: unknown --on policy: never (any, failure)");
  check_error(note(run_args({"--frob", "--", "true"})), kUsage,
              "note: run: unknown option: --frob");
  check_error(note(run_args({"--note", "", "--", "true"})), kUsage,
              "note: run: bad note: empty note: a note has 1 to 127 bytes");
  check_error(note(run_args({"--grace"})), kUsage, "note: run: --grace needs a value");
  check_error(note(run_args({"--", "true", "--"})), kUsage,
              "note: run: empty command between two --");
}

TEST_CASE("run_as_pid_1_reaps_orphans_and_forwards_termination_notes") {
  if (geteuid() != 0 || access("/usr/bin/unshare", X_OK) != 0) {
    MESSAGE("skipped: needs root and unshare(1) for a PID namespace");
    return;
  }
  // In its own PID namespace note run is PID 1: the orphan (a double fork) must be reaped by it,
  // and a kill note to it must reach the member, which cleans up and exits 0.
  Child run({"/usr/bin/unshare", "--pid", "--fork", "--mount-proc", kNote, "run", "--grace", "30",
             "--", "/bin/sh", "-c",
             "(sleep 0.1 &) ; trap 'echo member cleaned up >&2; exit 0' TERM; "
             "while :; do sleep 0.05 & wait $!; done"});
  std::this_thread::sleep_for(500ms);
  // unshare forwards nothing, so signal note run (PID 1 inside) through the namespace: it is
  // unshare's only child.
  Output pids = integration::run({"/usr/bin/pgrep", "-P", std::to_string(run.pid())});
  long inner = atol(pids.out.c_str());
  REQUIRE(inner > 0);
  kill(static_cast<pid_t>(inner), SIGTERM);
  int status = run.wait();
  std::string err = run.error_output();
  CAPTURE(err);
  CHECK(status == 0);
  CHECK(lines_with(err, "shutdown: kill") == 1);
  CHECK(lines_with(err, "member cleaned up") == 1);
  CHECK(lines_with(err, "[orphan ") >= 1);
}
