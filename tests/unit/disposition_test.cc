// Dispositions: ours is installed while something watches a note, and the previous one comes back
// exactly; an uncaught note gets the default action; an ignore inherited at start survives.
#include <doctest/doctest.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "notes/notes.h"
#include "support/child.h"

using namespace std::chrono_literals;

namespace {

struct sigaction current(int sig) {
  struct sigaction sa;
  sigaction(sig, nullptr, &sa);
  return sa;
}

std::atomic<int> previous_calls{0};
void previous_handler(int) {
  previous_calls++;
}

notes::Disposition decline(const notes::Note&, void*) noexcept {
  return notes::Disposition::not_mine;
}

// Waits for a pending signal to be delivered to some thread.
void settle() {
  std::this_thread::sleep_for(100ms);
}

}  // namespace

TEST_CASE("the previous sigaction comes back exactly when the last watcher stops") {
  struct sigaction mine;
  memset(&mine, 0, sizeof mine);
  mine.sa_handler = previous_handler;
  mine.sa_flags = SA_RESTART | SA_NODEFER;
  sigemptyset(&mine.sa_mask);
  sigaddset(&mine.sa_mask, SIGUSR2);
  struct sigaction old;
  REQUIRE(sigaction(SIGUSR1, &mine, &old) == 0);
  {
    auto a = notes::Receiver::open({"sys: usr1"});
    auto b = notes::Receiver::open({"sys: usr1"});
    REQUIRE(a);
    REQUIRE(b);
    CHECK((current(SIGUSR1).sa_handler != previous_handler));
    a->stop();
    CHECK((current(SIGUSR1).sa_handler != previous_handler));  // b still watches
  }
  struct sigaction back = current(SIGUSR1);
  CHECK((back.sa_handler == previous_handler));
  CHECK((back.sa_flags & (SA_RESTART | SA_NODEFER | SA_SIGINFO)) == (SA_RESTART | SA_NODEFER));
  CHECK(sigismember(&back.sa_mask, SIGUSR2) == 1);
  sigaction(SIGUSR1, &old, nullptr);
}

TEST_CASE("a handler installed before ours runs when nothing of ours takes the note") {
  struct sigaction mine, old;
  memset(&mine, 0, sizeof mine);
  mine.sa_handler = previous_handler;
  sigemptyset(&mine.sa_mask);
  REQUIRE(sigaction(SIGUSR2, &mine, &old) == 0);
  previous_calls = 0;
  {
    auto rx = notes::Receiver::open({"sys: usr2"});
    REQUIRE(rx);
    kill(getpid(), SIGUSR2);
    auto n = rx->wait_for(30s);
    REQUIRE(n);
    CHECK(*n == "sys: usr2");
    CHECK(previous_calls.load() == 0);  // the receiver took it
  }
  {
    auto h = notes::Handler::install({"sys: usr2"}, decline);
    REQUIRE(h);
    kill(getpid(), SIGUSR2);
    settle();
    CHECK(previous_calls.load() == 1);  // declined: the previous handler is the default action
  }
  sigaction(SIGUSR2, &old, nullptr);
}

NOTES_SCENARIO(declined_hangup_dies) {
  auto h = notes::Handler::install({"hangup"}, decline);
  if (!h) return 2;
  kill(getpid(), SIGHUP);
  settle();
  return 0;  // survived: wrong
}

TEST_CASE("a note that every handler declines gets the signal's default action") {
  auto out = notes_test::run_scenario("declined_hangup_dies");
  CAPTURE(out.output);
  CHECK(out.signaled);
  CHECK(out.signal == SIGHUP);
}

NOTES_SCENARIO(kill_after_stop_dies) {
  auto rx = notes::Receiver::open({"kill"});
  if (!rx || !notes::post(getpid(), "kill").ok() || !rx->wait_for(30s)) return 2;
  rx->stop();
  kill(getpid(), SIGTERM);
  settle();
  return 0;
}

TEST_CASE("after the last receiver stops, the default action is back") {
  auto out = notes_test::run_scenario("kill_after_stop_dies");
  CAPTURE(out.output);
  CHECK(out.signaled);
  CHECK(out.signal == SIGTERM);
}

NOTES_SCENARIO(inherited_ignore) {
  if (current(SIGHUP).sa_handler != SIG_IGN) return 3;  // the parent set it up wrong
  {
    auto rx = notes::Receiver::open({"hangup"});
    if (!rx) return 4;
    kill(getpid(), SIGHUP);
    auto n = rx->wait_for(30s);
    if (!n || *n != "hangup") return 5;  // a receiver asked for it: delivered despite the ignore
  }
  if (current(SIGHUP).sa_handler != SIG_IGN) return 6;  // the ignore must come back
  kill(getpid(), SIGHUP);
  settle();
  return 0;
}

TEST_CASE("an ignore inherited at start (nohup) is restored and survives") {
  auto out = notes_test::run_scenario("inherited_ignore", [] { signal(SIGHUP, SIG_IGN); });
  CAPTURE(out.output);
  CHECK(out.exited);
  CHECK(out.code == 0);
}

// Go's TestAtomicStop (golang/go#14571): a note that races with stop() is either received or
// gets the default action; it is never lost.
NOTES_SCENARIO(atomic_stop) {
  for (int trial = 0; trial < 10; trial++) {
    auto rx = notes::Receiver::open({"interrupt"});
    if (!rx) return 2;
    std::thread stopper([&] { rx->stop(); });
    std::thread sender([] { kill(getpid(), SIGINT); });
    stopper.join();
    sender.join();
    settle();
    // Still alive, so the note arrived before stop() ended: it must be queued.
    if (!rx->try_receive()) {
      notes::Counters c = notes::counters();
      printf("lost in trial %d (caught %llu, delivered %llu, dropped %llu)\n", trial,
             static_cast<unsigned long long>(c.caught),
             static_cast<unsigned long long>(c.delivered),
             static_cast<unsigned long long>(c.dropped));
      return 1;
    }
  }
  return 0;
}

TEST_CASE("a note racing with stop is received or kills, never lost") {
  int received_all = 0, died = 0;
  for (int child = 0; child < 10; child++) {
    auto out = notes_test::run_scenario("atomic_stop");
    CAPTURE(out.output);
    if (out.signaled) {
      CHECK(out.signal == SIGINT);
      died++;
    } else {
      CHECK(out.exited);
      CHECK(out.code == 0);
      received_all++;
    }
  }
  CHECK(received_all + died == 10);
  MESSAGE("children that received every note: ", received_all, ", died of a late note: ", died);
}
