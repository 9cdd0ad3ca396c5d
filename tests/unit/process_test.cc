// Across processes: forked children own their mailboxes, floods from several senders are exact,
// groups exclude the sender, and the mailbox directory is refused when it is not private.
#include <doctest/doctest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "notes/notes.h"
#include "support/child.h"

using namespace std::chrono_literals;

namespace {

constexpr auto kPatience = 30s;

// Posts `note` to `pid`, retrying while the target's queue is full. Returns the number of
// queue_full answers, or -1 for any other error.
int post_until_accepted(long pid, const std::string& note) {
  int refusals = 0;
  for (;;) {
    notes::Status s = notes::post(pid, note);
    if (s.ok()) return refusals;
    if (s.code() != notes::Code::queue_full) {
      fprintf(stderr, "post: %s\n", s.to_string().c_str());
      return -1;
    }
    refusals++;
    std::this_thread::sleep_for(100us);
  }
}

}  // namespace

TEST_CASE("a forked child has its own mailbox and never reads its parent's") {
  auto rx = notes::Receiver::open(notes::NoteSet::all());
  REQUIRE(rx);
  int ready[2], report[2];
  REQUIRE(pipe(ready) == 0);
  REQUIRE(pipe(report) == 0);
  pid_t child = fork();
  if (child == 0) {
    // The inherited receiver now belongs to the child: it counts what reaches it.
    int for_parent = 0, for_child = 0;
    char c = 1;
    if (write(ready[1], &c, 1) != 1) _exit(3);
    while (for_child == 0) {
      auto n = rx->wait_for(kPatience);
      if (!n) _exit(4);
      if (*n == "for the child")
        for_child++;
      else
        for_parent++;
    }
    // Anything meant for the parent that leaked here would have arrived by now.
    while (auto n = rx->wait_for(200ms)) for_parent++;
    if (write(report[1], &for_parent, sizeof for_parent) != sizeof for_parent) _exit(5);
    _exit(0);
  }
  char c;
  REQUIRE(read(ready[0], &c, 1) == 1);
  constexpr int kNotes = 50;
  int refused = 0;
  for (int i = 0; i < kNotes; i++) {
    refused += post_until_accepted(getpid(), "for the parent");
    auto n = rx->wait_for(kPatience);
    REQUIRE(n);
    CHECK(*n == "for the parent");
  }
  CHECK(refused >= 0);
  notes::Status s = notes::post(child, "for the child");
  CHECK_MESSAGE(s.ok(), s.to_string());
  int leaked = -1;
  REQUIRE(read(report[0], &leaked, sizeof leaked) == sizeof leaked);
  CHECK(leaked == 0);
  int status = 0;
  REQUIRE(notes_test::wait_child(child, &status));
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  for (int fd : {ready[0], ready[1], report[0], report[1]}) close(fd);
}

TEST_CASE("a flood from several sender processes: each note delivered once or refused") {
  constexpr int kSenders = 4, kEach = 500;
  auto rx = notes::Receiver::open({"flood"}, {.capacity = 256});
  auto numbered = notes::Receiver::open(notes::NoteSet::all(), {.capacity = 256});
  REQUIRE(rx);
  REQUIRE(numbered);
  rx->stop();  // only `numbered` takes the flood; a stopped receiver must not disturb it
  std::vector<pid_t> senders;
  const pid_t parent = getpid();
  for (int s = 0; s < kSenders; s++) {
    pid_t pid = fork();
    if (pid == 0) {
      for (int i = 0; i < kEach; i++) {
        if (post_until_accepted(parent, std::to_string(s) + " " + std::to_string(i)) < 0) {
          _exit(1);
        }
      }
      _exit(0);
    }
    senders.push_back(pid);
  }
  std::vector<std::vector<int>> seen(kSenders, std::vector<int>(kEach, 0));
  int received = 0;
  while (received < kSenders * kEach) {
    auto n = numbered->wait_for(kPatience);
    REQUIRE_MESSAGE(n, "received ", received, ": ", n.status().to_string());
    int s = -1, i = -1;
    REQUIRE(sscanf(n->c_str(), "%d %d", &s, &i) == 2);
    REQUIRE(((s >= 0 && s < kSenders && i >= 0 && i < kEach)));
    seen[static_cast<size_t>(s)][static_cast<size_t>(i)]++;
    received++;
  }
  for (pid_t pid : senders) {
    int status = 0;
    REQUIRE(notes_test::wait_child(pid, &status));
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  int wrong = 0;
  for (auto& v : seen) {
    for (int count : v) wrong += count != 1;
  }
  CHECK(wrong == 0);
  CHECK(numbered->counters().dropped == 0);
  CHECK(!numbered->try_receive());
}

TEST_CASE("post_group reaches the other members of a group, not the sender") {
  auto rx = notes::Receiver::open({"group news", "hangup"});
  REQUIRE(rx);
  REQUIRE((setpgid(0, 0) == 0 || getpgrp() == getpid()));
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  std::vector<pid_t> members;
  for (int m = 0; m < 2; m++) {
    pid_t pid = fork();
    if (pid == 0) {
      // Inherited receiver, own mailbox: count what comes.
      char c = 1;
      if (write(ready[1], &c, 1) != 1) _exit(3);
      auto a = rx->wait_for(kPatience);
      auto b = rx->wait_for(kPatience);
      bool ok = a && b &&
                ((*a == "group news" && *b == "hangup") || (*a == "hangup" && *b == "group news"));
      _exit(ok ? 0 : 1);
    }
    members.push_back(pid);
  }
  for (size_t m = 0; m < members.size(); m++) {
    char c;
    REQUIRE(read(ready[0], &c, 1) == 1);
  }
  notes::Status s = notes::post_group(getpgrp(), "group news");
  CHECK_MESSAGE(s.ok(), s.to_string());
  s = notes::post_group(getpgrp(), "hangup");
  CHECK_MESSAGE(s.ok(), s.to_string());
  for (pid_t pid : members) {
    int status = 0;
    REQUIRE(notes_test::wait_child(pid, &status));
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  CHECK(!rx->wait_for(200ms));  // the sender is not a member of its own note group
  close(ready[0]);
  close(ready[1]);
}

TEST_CASE("post_group to a group that does not exist") {
  CHECK(notes::post_group(0x7ffffff0, "hangup").code() == notes::Code::no_such_process);
  CHECK(notes::post_group(0x7ffffff0, "news").code() == notes::Code::no_such_process);
}

TEST_CASE("a string note to a live process without a mailbox is not deliverable") {
  pid_t pid = fork();
  if (pid == 0) {
    pause();
    _exit(0);
  }
  notes::Status s = notes::post(pid, "anyone there");
  CHECK(s.code() == notes::Code::not_deliverable);
  CHECK(s.value() == pid);
  kill(pid, SIGKILL);
  int status;
  notes_test::wait_child(pid, &status);
}

// Mailbox-directory checks need their own base directory, named before the first use.
static std::string scratch_base() {
  char tmpl[] = "/tmp/notes-test-XXXXXX";
  return mkdtemp(tmpl);
}

NOTES_SCENARIO(squatted_directory) {
  std::string base = getenv("NOTES_MAILBOX_DIR");
  std::string dir = base + "/notes-" + std::to_string(geteuid());
  if (mkdir(dir.c_str(), 0755) != 0 || chmod(dir.c_str(), 0755) != 0) return 2;
  auto rx = notes::Receiver::open({"a string"});
  if (rx) return 3;
  printf("%s\n", rx.status().to_string().c_str());
  rmdir(dir.c_str());
  if (symlink("/tmp", dir.c_str()) != 0) return 4;
  auto rx2 = notes::Receiver::open({"a string"});
  if (rx2) return 5;
  printf("%s\n", rx2.status().to_string().c_str());
  unlink(dir.c_str());
  if (geteuid() == 0) {  // a directory that another user made
    if (mkdir(dir.c_str(), 0700) != 0 || chown(dir.c_str(), 65534, 65534) != 0) return 6;
    auto rx3 = notes::Receiver::open({"a string"});
    if (rx3) return 7;
    printf("%s\n", rx3.status().to_string().c_str());
    rmdir(dir.c_str());
  }
  auto rx4 = notes::Receiver::open({"a string"});  // now made fresh, mode 0700
  if (!rx4) return 8;
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || (st.st_mode & 0777) != 0700) return 9;
  return 0;
}

TEST_CASE("a mailbox directory that is not private to this user is refused") {
  std::string base = scratch_base();
  auto out = notes_test::run_scenario("squatted_directory",
                                      [&] { setenv("NOTES_MAILBOX_DIR", base.c_str(), 1); });
  CAPTURE(out.output);
  CHECK(out.exited);
  CHECK(out.code == 0);
  CHECK(out.output.find("open to other users") != std::string::npos);
  CHECK(out.output.find("a link") != std::string::npos);
  if (geteuid() == 0) CHECK(out.output.find("belongs to another user") != std::string::npos);
  std::string cleanup = "rm -rf '" + base + "'";
  CHECK(system(cleanup.c_str()) == 0);
}

NOTES_SCENARIO(stale_mailboxes) {
  std::string dir =
      std::string(getenv("NOTES_MAILBOX_DIR")) + "/notes-" + std::to_string(geteuid());
  if (mkdir(dir.c_str(), 0700) != 0) return 2;
  // A mailbox left by a process that died (this pid with another start time: a recycled pid).
  std::string stale = dir + "/" + std::to_string(getppid()) + ".1";
  FILE* f = fopen(stale.c_str(), "w");
  if (f == nullptr) return 3;
  fclose(f);
  auto rx = notes::Receiver::open({"a string"});
  if (!rx) return 4;
  if (access(stale.c_str(), F_OK) == 0) return 5;  // cleaned
  rx->stop();
  struct stat st;
  std::string own = dir + "/" + std::to_string(getpid()) + ".";
  // After the last string receiver stops, no mailbox of ours is left either.
  std::string cmd = "ls '" + dir + "' | grep -q '^" + std::to_string(getpid()) + "\\.'";
  (void)st;
  return system(cmd.c_str()) == 0 ? 6 : 0;
}

TEST_CASE("stale mailboxes are removed and ours goes with the last receiver") {
  std::string base = scratch_base();
  auto out = notes_test::run_scenario("stale_mailboxes",
                                      [&] { setenv("NOTES_MAILBOX_DIR", base.c_str(), 1); });
  CAPTURE(out.output);
  CHECK(out.exited);
  CHECK(out.code == 0);
  std::string cleanup = "rm -rf '" + base + "'";
  CHECK(system(cleanup.c_str()) == 0);
}
