// The ladder as a pure state machine: fed events and a fake clock, it must ask for exactly the
// right actions in the right order.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/shutdown_ladder.h"

using notes::Event;
using notes::ExitStatus;
using notes::StatusPolicy;
using notes::TriggerPolicy;
using notes::detail::ShutdownLadder;

namespace {

constexpr int64_t kSecond = 1000000000;

struct Recorder final : ShutdownLadder::Actions {
  std::vector<std::string> log;
  std::vector<bool> alive;  // process groups with a process in them

  void post_note(int m) override { log.push_back("note " + std::to_string(m)); }
  void cont(int m) override { log.push_back("cont " + std::to_string(m)); }
  void hard_kill(int m) override { log.push_back("kill " + std::to_string(m)); }
  bool group_alive(int m) override { return alive[static_cast<size_t>(m)]; }
  void event(Event::Kind kind, int, const ExitStatus&, std::string_view detail) override {
    if (kind == Event::Kind::trigger || kind == Event::Kind::grace_skipped) {
      log.push_back(std::string(notes::event_name(kind)) + ": " + std::string(detail));
    }
  }
  int count(const std::string& what) const {
    int n = 0;
    for (const auto& l : log) n += l == what;
    return n;
  }
};

struct Fixture {
  Recorder r;
  ShutdownLadder ladder;
  explicit Fixture(int members, StatusPolicy status = StatusPolicy::first,
                   TriggerPolicy on = TriggerPolicy::any_exit)
      : ladder(r, 5 * kSecond, status, on) {
    for (int i = 0; i < members; i++) {
      ladder.add_member();
      r.alive.push_back(true);
    }
  }
  // The member's process and its whole group end.
  void exit(int m, ExitStatus s, int64_t now) {
    r.alive[static_cast<size_t>(m)] = false;
    ladder.exited(m, s, now);
    ladder.group_gone(m);
  }
};

}  // namespace

TEST_CASE("a member's exit posts the note once to each live member, then SIGCONT") {
  Fixture f(3);
  f.exit(1, ExitStatus::exited(3), 1 * kSecond);
  CHECK(f.r.log == std::vector<std::string>{"trigger: a member exited", "note 0", "cont 0",
                                            "note 2", "cont 2"});
  CHECK(f.ladder.deadline() == 6 * kSecond);
  f.exit(0, ExitStatus::killed(15), 2 * kSecond);
  f.ladder.tick(5 * kSecond);  // before the deadline: nothing
  CHECK(f.r.count("kill 2") == 0);
  f.ladder.tick(6 * kSecond);
  CHECK(f.r.count("kill 2") == 1);
  CHECK(!f.ladder.finished());
  f.exit(2, ExitStatus::killed(9), 6 * kSecond);
  CHECK(f.ladder.finished());
  CHECK(f.ladder.result().code() == 3);  // the first to exit decides
  CHECK(f.r.count("note 0") == 1);
  CHECK(f.r.count("note 1") == 0);  // it had already exited
}

TEST_CASE("a second termination note skips the grace period") {
  Fixture f(2);
  f.ladder.termination_note("interrupt", 0);
  CHECK(f.r.log.front() == "trigger: interrupt");
  f.ladder.termination_note("interrupt", 1);
  CHECK(f.r.count("grace_skipped: interrupt") == 1);
  CHECK(f.r.count("kill 0") == 1);
  CHECK(f.r.count("kill 1") == 1);
  CHECK(f.ladder.deadline() == INT64_MAX);
}

TEST_CASE("the failure policy ignores successful exits until every member has exited") {
  Fixture f(2, StatusPolicy::first, TriggerPolicy::failure);
  f.exit(0, ExitStatus::exited(0), 1);
  CHECK(!f.ladder.triggered());
  f.exit(1, ExitStatus::exited(0), 2);
  CHECK(f.ladder.triggered());
  CHECK(f.ladder.finished());
  CHECK(f.ladder.result().ok());

  Fixture g(2, StatusPolicy::first, TriggerPolicy::failure);
  g.exit(0, ExitStatus::exited(0), 1);
  g.exit(1, ExitStatus::exited(2), 2);
  CHECK(g.r.log.front() == "trigger: a member failed");
}

TEST_CASE("status policies") {
  auto run = [](StatusPolicy p) {
    Fixture f(3, p);
    f.exit(2, ExitStatus::exited(0), 1);
    f.exit(0, ExitStatus::killed(15), 2);
    f.exit(1, ExitStatus::exited(4), 3);
    return f.ladder.result();
  };
  CHECK(run(StatusPolicy::first).code() == 0);
  CHECK(run(StatusPolicy::last).code() == 4);
  CHECK(run(StatusPolicy::worst).code() == 143);
  CHECK(run(StatusPolicy::worst).signal() == 15);
  CHECK(run(StatusPolicy::all).code() == 143);  // the first failure
  Fixture ok(2, StatusPolicy::all);
  ok.exit(0, ExitStatus::exited(0), 1);
  ok.exit(1, ExitStatus::exited(0), 2);
  CHECK(ok.ladder.result().ok());
}

TEST_CASE("a member that cannot start triggers the shutdown and counts as 127") {
  Fixture f(2);
  f.ladder.spawn_failed(1, ExitStatus::exited(127), 0);
  CHECK(f.r.log.front() == "trigger: a member could not be started");
  CHECK(f.r.count("note 0") == 1);
  CHECK(f.r.count("note 1") == 0);
  f.exit(0, ExitStatus::killed(15), 1);
  CHECK(f.ladder.finished());
  CHECK(f.ladder.result().code() == 127);
}

TEST_CASE("a group that outlives its leader gets the note and keeps the group running") {
  Fixture f(2);
  f.ladder.exited(0, ExitStatus::exited(0), 0);  // leader gone, a grandchild still in its group
  CHECK(f.r.count("note 0") == 1);
  CHECK(!f.ladder.finished());
  f.exit(1, ExitStatus::killed(15), 1);
  f.ladder.tick(5 * kSecond);
  CHECK(f.r.count("kill 0") == 1);
  f.r.alive[0] = false;
  f.ladder.group_gone(0);
  CHECK(f.ladder.finished());
}

TEST_CASE("shutdown() and exit statuses of Plan 9 strings") {
  Fixture f(1);
  f.ladder.shutdown("shutdown requested", 0);
  f.ladder.shutdown("again", 1);
  CHECK(f.r.count("note 0") == 1);
  CHECK(f.r.log.front() == "trigger: shutdown requested");
  CHECK(ExitStatus::plan9("").ok());
  CHECK(ExitStatus::plan9("disk full").code() == 1);
  CHECK(ExitStatus::plan9("disk full").text() == "disk full");
  CHECK(ExitStatus::killed(9).code() == 137);
  CHECK(ExitStatus::exited(256 + 3).code() == 3);
  std::string long_text(140, 'x');
  long_text[126] = '\xc3';  // a two-byte UTF-8 sequence across the cut
  long_text[127] = '\xa9';
  CHECK(ExitStatus::plan9(long_text).text().size() == 126);
}

TEST_CASE("no members: finished at once with success") {
  Fixture f(0);
  CHECK(f.ladder.finished());
  CHECK(f.ladder.result().ok());
}
