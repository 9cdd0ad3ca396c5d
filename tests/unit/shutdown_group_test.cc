// ShutdownGroup with real processes: triggers, the ladder, stopped members, grandchildren,
// a SIGKILLed supervisor, and many members. Counts are exact; time limits are generous.
#include <doctest/doctest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "notes/notes.h"
#include "support/child.h"

using namespace std::chrono_literals;
using Kind = notes::Event::Kind;

namespace {

// A scratch directory for the members' files, removed at the end.
struct Scratch {
  std::string dir;
  Scratch() {
    char tmpl[] = "/tmp/notes-group-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  ~Scratch() { (void)system(("rm -rf '" + dir + "'").c_str()); }
  std::string path(const std::string& name) const { return dir + "/" + name; }
  std::string read(const std::string& name) const {
    std::ifstream f(path(name));
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }
  long pid_in(const std::string& name) const { return atol(read(name).c_str()); }
};

struct Recorded {
  std::vector<notes::Event::Kind> kinds;
  std::vector<int> members;
  std::vector<std::string> details;
  int count(Kind k, int member = -2) const {
    int n = 0;
    for (size_t i = 0; i < kinds.size(); i++) {
      n += kinds[i] == k && (member == -2 || members[i] == member);
    }
    return n;
  }
  // Index of the first event of kind k, or -1.
  int first(Kind k) const {
    for (size_t i = 0; i < kinds.size(); i++) {
      if (kinds[i] == k) return static_cast<int>(i);
    }
    return -1;
  }
};

notes::ShutdownGroup::Options options(Recorded& r, std::chrono::nanoseconds grace) {
  notes::ShutdownGroup::Options o;
  o.grace = grace;
  o.on_event = [&r](const notes::Event& e) {
    r.kinds.push_back(e.kind);
    r.members.push_back(e.member);
    r.details.push_back(std::string(e.detail));
  };
  return o;
}

std::vector<std::string> sh(const std::string& script) {
  return {"/bin/sh", "-c", script};
}

// True when the process with this pid has ended: no such process, or a zombie that another
// parent (init) has yet to reap. Our own zombies are checked with waitpid.
bool gone(long pid) {
  if (pid <= 0) return false;
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] == 'Z';
}

// Waits up to a generous limit for a file to have content.
bool appears(const Scratch& s, const std::string& name) {
  for (int i = 0; i < 3000; i++) {
    if (!s.read(name).empty()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// A member that records each shutdown note in `file` and exits `code` after the first.
std::string cleans_up(const Scratch& s, const std::string& file, int code) {
  return "trap 'echo term >> " + s.path(file) + "; exit " + std::to_string(code) +
         "' TERM; echo $$ > " + s.path(file + ".pid") + "; while :; do sleep 0.05; done";
}

}  // namespace

TEST_CASE("the demo ladder: one exits 3, one cleans up, one ignores the note and is killed") {
  Scratch s;
  Recorded r;
  notes::ShutdownGroup g(options(r, 1s));
  REQUIRE(g.spawn(sh(cleans_up(s, "cleaner", 0))));
  REQUIRE(g.spawn(
      sh("trap '' TERM; echo $$ > " + s.path("stubborn.pid") + "; while :; do sleep 0.05; done")));
  REQUIRE(appears(s, "cleaner.pid"));
  REQUIRE(appears(s, "stubborn.pid"));
  REQUIRE(g.spawn(sh("exit 3")));
  notes::ExitStatus st = g.run();
  CHECK(st.code() == 3);
  CHECK(s.read("cleaner") == "term\n");  // exactly one note
  CHECK(r.count(Kind::note_posted) == 2);
  CHECK(r.count(Kind::continued) == 2);
  CHECK(r.count(Kind::escalated) == 1);
  CHECK(r.count(Kind::escalated, 1) == 1);
  CHECK(r.count(Kind::reaped, 0) == 1);
  CHECK(r.count(Kind::reaped, 1) == 1);
  CHECK(r.count(Kind::reaped, 2) == 1);
  CHECK(r.count(Kind::finished) == 1);
  CHECK(r.first(Kind::trigger) < r.first(Kind::note_posted));
  CHECK(r.first(Kind::note_posted) < r.first(Kind::escalated));
  CHECK(gone(s.pid_in("cleaner.pid")));
  CHECK(gone(s.pid_in("stubborn.pid")));
}

TEST_CASE("a termination note to the supervisor starts the ladder; a second skips the grace") {
  Scratch s;
  Recorded r;
  notes::ShutdownGroup g(options(r, 60s));
  REQUIRE(
      g.spawn(sh("trap '' TERM; echo $$ > " + s.path("a.pid") + "; while :; do sleep 0.05; done")));
  REQUIRE(appears(s, "a.pid"));
  std::thread poster([] {
    std::this_thread::sleep_for(100ms);
    kill(getpid(), SIGINT);
    std::this_thread::sleep_for(300ms);
    kill(getpid(), SIGINT);
  });
  auto start = std::chrono::steady_clock::now();
  notes::ExitStatus st = g.run();
  poster.join();
  CHECK(std::chrono::steady_clock::now() - start < 30s);  // far below the 60 s grace
  CHECK(r.details[static_cast<size_t>(r.first(Kind::trigger))] == "interrupt");
  CHECK(r.count(Kind::grace_skipped) == 1);
  CHECK(r.count(Kind::escalated) == 1);
  CHECK(st.signal() == SIGKILL);
  CHECK(st.code() == 137);
}

TEST_CASE("shutdown() from another thread starts the ladder") {
  Recorded r;
  notes::ShutdownGroup g(options(r, 30s));
  REQUIRE(g.spawn({"sleep", "60"}));
  REQUIRE(g.spawn({"sleep", "60"}));
  std::thread t([&] {
    std::this_thread::sleep_for(50ms);
    g.shutdown();
  });
  notes::ExitStatus st = g.run();
  t.join();
  CHECK(r.details[static_cast<size_t>(r.first(Kind::trigger))] == "shutdown requested");
  CHECK(st.signal() == SIGTERM);
  CHECK(r.count(Kind::escalated) == 0);
}

TEST_CASE("on failure: a successful exit does not shut the group down, a failure does") {
  Recorded r;
  auto o = options(r, 30s);
  o.on = notes::TriggerPolicy::failure;
  o.status = notes::StatusPolicy::worst;
  notes::ShutdownGroup g(o);
  REQUIRE(g.spawn(sh("exit 0")));
  REQUIRE(g.spawn(sh("sleep 0.3; exit 4")));
  REQUIRE(g.spawn({"sleep", "60"}));
  notes::ExitStatus st = g.run();
  CHECK(r.details[static_cast<size_t>(r.first(Kind::trigger))] == "a member failed");
  CHECK(st.code() == 143);  // worst: the sleeper killed by the note (128+15) beats 4
}

TEST_CASE("a stopped member is continued so it can act on the note") {
  Scratch s;
  Recorded r;
  notes::ShutdownGroup g(options(r, 60s));
  REQUIRE(g.spawn(sh("trap 'exit 7' TERM; echo $$ > " + s.path("p.pid") +
                     "; kill -STOP $$; while :; do sleep 0.05; done")));
  REQUIRE(appears(s, "p.pid"));
  g.shutdown();
  notes::ExitStatus st = g.run();
  CHECK(st.code() == 7);  // not 137: it ran its handler
  CHECK(r.count(Kind::escalated) == 0);
}

TEST_CASE("grandchildren: in the member's group, orphaned, or escaped with setsid") {
  Scratch s;
  Recorded r;
  notes::ShutdownGroup g(options(r, 1s));
  // An orphan that ignores the note (it stays in the member's group), and one that left the
  // group with setsid; the member itself exits at once.
  REQUIRE(g.spawn(sh("(trap '' TERM; echo $$ > /dev/null; exec sleep 60) & echo $! > " +
                     s.path("ignorer.pid") + "; setsid sleep 60 & echo $! > " +
                     s.path("escaped.pid") + "; exit 0")));
  REQUIRE(appears(s, "ignorer.pid"));
  REQUIRE(appears(s, "escaped.pid"));
  notes::ExitStatus st = g.run();
  CHECK(st.ok());
  long ignorer = s.pid_in("ignorer.pid"), escaped = s.pid_in("escaped.pid");
  CHECK(gone(ignorer));
  CHECK(gone(escaped));
  CHECK(r.count(Kind::escalated) == 1);  // the ignorer outlived the grace period
  int orphans = 0;
  for (size_t i = 0; i < r.kinds.size(); i++)
    orphans += r.kinds[i] == Kind::reaped && r.members[i] < 0;
  CHECK(orphans >= 1);
  CHECK(waitpid(-1, nullptr, WNOHANG) < 0);  // no child left, not even a zombie
}

TEST_CASE("a command that cannot be started is reported by name and stops the others") {
  Recorded r;
  notes::ShutdownGroup g(options(r, 30s));
  REQUIRE(g.spawn({"sleep", "60"}));
  auto bad = g.spawn({"no-such-command-for-notes"});
  REQUIRE(bad);
  notes::ExitStatus st = g.run();
  CHECK(st.code() == 127);
  CHECK(r.count(Kind::spawn_failed, *bad) == 1);
  bool named = false;
  for (const auto& d : r.details) named |= d.find("no-such-command-for-notes") != std::string::npos;
  CHECK(named);
  CHECK(!g.spawn({"sleep", "1"}));  // no new members once shutting down
  CHECK(g.spawn(std::vector<std::string>{}).status().code() == notes::Code::invalid_argument);
}

TEST_CASE("200 members at once: one note each, all reaped") {
  constexpr int kMembers = 200;
  Recorded r;
  notes::ShutdownGroup g(options(r, 60s));
  for (int i = 0; i < kMembers; i++) REQUIRE(g.spawn({"sleep", "120"}));
  g.shutdown();
  notes::ExitStatus st = g.run();
  CHECK(st.signal() == SIGTERM);
  CHECK(r.count(Kind::started) == kMembers);
  CHECK(r.count(Kind::note_posted) == kMembers);
  CHECK(r.count(Kind::exited) == kMembers);
  CHECK(r.count(Kind::reaped) == kMembers);
  for (int i = 0; i < kMembers; i++) CHECK(r.count(Kind::note_posted, i) == 1);
  CHECK(waitpid(-1, nullptr, WNOHANG) < 0);
}

NOTES_SCENARIO(supervisor_to_be_killed) {
  const char* dir = getenv("NOTES_TEST_DIR");
  notes::ShutdownGroup g;
  for (int i = 0; i < 3; i++) {
    std::string script = "trap '' TERM; sleep 120 & echo $! > " + std::string(dir) + "/grand" +
                         std::to_string(i) + "; echo $$ > " + std::string(dir) + "/member" +
                         std::to_string(i) + "; wait";
    if (!g.spawn(sh(script))) return 2;
  }
  return g.run().code();
}

TEST_CASE("a SIGKILLed supervisor leaves no member running") {
  Scratch s;
  pid_t child = fork();
  if (child == 0) {
    setenv("NOTES_TEST_DIR", s.dir.c_str(), 1);
    setenv("NOTES_TEST_SCENARIO", "supervisor_to_be_killed", 1);
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    execl(exe, exe, static_cast<char*>(nullptr));
    _exit(126);
  }
  std::vector<long> pids;
  for (int i = 0; i < 3; i++) {
    REQUIRE(appears(s, "member" + std::to_string(i)));
    REQUIRE(appears(s, "grand" + std::to_string(i)));
    pids.push_back(s.pid_in("member" + std::to_string(i)));
    pids.push_back(s.pid_in("grand" + std::to_string(i)));
  }
  kill(child, SIGKILL);
  int status;
  REQUIRE(notes_test::wait_child(child, &status));
  // The guard kills them; as they are not our children they vanish once init reaps them.
  int left = 0;
  for (int attempt = 0; attempt < 3000; attempt++) {
    left = 0;
    for (long pid : pids) left += !gone(pid);
    if (left == 0) break;
    std::this_thread::sleep_for(10ms);
  }
  CHECK(left == 0);
}
