// note wait: notes sent by kill(2), kill(1), a shell and `note post` arrive one a line, counted
// exactly; -n and -t end it with the documented exit codes.
#include <signal.h>

#include <string>

#include "integration/checks.h"
#include "integration/child.h"

using namespace integration;

namespace {

// Sends `sig` to a `note wait` three ways and expects `note` each time. One at a time: a signal
// sent again before the first was caught would merge with it, and the count would be wrong.
void check_signal_arrives_as(int sig, const std::string& kill_name, const std::string& note) {
  Child waiter({kNote, "wait", "-n", "3"});
  require_ready(waiter);
  const std::string pid = std::to_string(waiter.pid());

  REQUIRE(kill(waiter.pid(), sig) == 0);
  CHECK(waiter.read_line() == note);

  check_ok(run({"/bin/kill", "-" + kill_name, pid}));
  CHECK(waiter.read_line() == note);

  check_ok(run({"/bin/sh", "-c", "kill -" + kill_name + " " + pid}));
  CHECK(waiter.read_line() == note);

  CHECK(waiter.wait() == kSuccess);
  CHECK(waiter.rest_of_output() == "");
  CHECK(waiter.error_output() == "");
}

}  // namespace

TEST_CASE("kill_hup_is_hangup") {
  check_signal_arrives_as(SIGHUP, "HUP", "hangup");
}

TEST_CASE("kill_int_is_interrupt") {
  check_signal_arrives_as(SIGINT, "INT", "interrupt");
}

TEST_CASE("kill_term_is_kill") {
  check_signal_arrives_as(SIGTERM, "TERM", "kill");
}

TEST_CASE("string_note_reaches_wait_for_that_note") {
  Child waiter({kNote, "wait", "-n", "1", "rotate logs"});
  require_ready(waiter);
  const std::string pid = std::to_string(waiter.pid());
  // A note it did not ask for is accepted by the mailbox but never printed: the first line is the
  // note it asked for.
  check_ok(note({"post", pid, "something else"}));
  check_ok(note({"post", pid, "rotate logs"}));
  CHECK(waiter.read_line() == "rotate logs");
  CHECK(waiter.wait() == kSuccess);
  CHECK(waiter.rest_of_output() == "");
  CHECK(waiter.error_output() == "");
}

TEST_CASE("string_note_reaches_wait_for_all_notes") {
  Child waiter({kNote, "wait", "-n", "1"});
  require_ready(waiter);
  check_ok(note({"post", std::to_string(waiter.pid()), "rotate logs"}));
  CHECK(waiter.read_line() == "rotate logs");
  CHECK(waiter.wait() == kSuccess);
  CHECK(waiter.rest_of_output() == "");
  CHECK(waiter.error_output() == "");
}

TEST_CASE("wait_n_exits_after_exactly_n_notes") {
  Child waiter({kNote, "wait", "-n", "3"});
  require_ready(waiter);
  const std::string pid = std::to_string(waiter.pid());
  check_ok(note({"post", pid, "one"}));
  check_ok(note({"post", pid, "two"}));
  CHECK(waiter.read_line() == "one");
  CHECK(waiter.read_line() == "two");
  // Two notes of three: it must still be waiting (an early exit would have been reaped here).
  CHECK(waiter.running());
  check_ok(note({"post", pid, "three"}));
  CHECK(waiter.read_line() == "three");
  CHECK(waiter.wait() == kSuccess);
  CHECK(waiter.rest_of_output() == "");
  CHECK(waiter.error_output() == "");
}

TEST_CASE("wait_prints_each_note_on_one_line") {
  Child waiter({kNote, "wait", "-n", "2"});
  require_ready(waiter);
  const std::string pid = std::to_string(waiter.pid());
  const std::string longest(127, 'x');  // the longest note there is
  check_ok(note({"post", pid, "two\nlines \\ here"}));
  check_ok(note({"post", pid, longest}));
  CHECK(waiter.read_line() == "two\\nlines \\\\ here");
  CHECK(waiter.read_line() == longest);
  CHECK(waiter.wait() == kSuccess);
}

TEST_CASE("wait_t_exits_1_on_timeout") {
  Child waiter({kNote, "wait", "-t", "0.3"});
  require_ready(waiter);
  CHECK(waiter.wait() == kTimedOut);
  CHECK(waiter.rest_of_output() == "");
  CHECK(waiter.error_output() == "");  // a timeout is an answer, not an error
}

TEST_CASE("wait_t_with_n_exits_1_when_notes_are_missing") {
  Child waiter({kNote, "wait", "-n", "2", "-t", "0.3", "hangup"});
  require_ready(waiter);
  CHECK(waiter.wait() == kTimedOut);
  CHECK(waiter.rest_of_output() == "");
  CHECK(waiter.error_output() == "");
}

TEST_CASE("wait_t_exits_0_when_the_notes_come_in_time") {
  Child waiter({kNote, "wait", "-n", "1", "-t", "30", "hangup"});
  require_ready(waiter);
  REQUIRE(kill(waiter.pid(), SIGHUP) == 0);
  CHECK(waiter.read_line() == "hangup");
  CHECK(waiter.wait() == kSuccess);
}

TEST_CASE("wait_for_named_notes_leaves_other_signals_alone") {
  // Only hangup is caught; interrupt keeps its default action and ends the process.
  Child waiter({kNote, "wait", "hangup"});
  require_ready(waiter);
  REQUIRE(kill(waiter.pid(), SIGHUP) == 0);
  CHECK(waiter.read_line() == "hangup");
  REQUIRE(kill(waiter.pid(), SIGINT) == 0);
  CHECK(waiter.wait() == 128 + SIGINT);
  CHECK(waiter.rest_of_output() == "");
}
