// Synchronous receivers (Options::synchronous): the waiter takes blocked signals itself, and is
// still woken when a handler on another thread, or stop(), has something for it. Each case runs
// in a child, since the signal mask it sets up outlives the case.
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "notes/notes.h"
#include "support/child.h"

using namespace std::chrono_literals;

namespace {
constexpr auto kPatience = 30s;
}

NOTES_SCENARIO(sync_takes_blocked_signals) {
  if (!notes::block_signals({"hangup", "sync note"}).ok()) return 2;
  auto rx = notes::Receiver::open({"hangup", "sync note"}, {.synchronous = true});
  if (!rx || rx->fd() != -1) return 3;
  for (int i = 0; i < 100; i++) {
    kill(getpid(), SIGHUP);
    auto a = rx->wait_for(kPatience);
    if (!a || *a != "hangup") return 4;
    if (!notes::post(getpid(), "sync note").ok()) return 5;
    auto b = rx->wait();
    if (!b || *b != "sync note") return 6;
  }
  if (rx->wait_for(20ms).status().code() != notes::Code::timed_out) return 7;
  if (rx->counters().received != 200) return 8;
  return 0;
}

TEST_CASE("a synchronous receiver takes its blocked signals itself") {
  NOTES_CHECK_SCENARIO("sync_takes_blocked_signals");
}

// A thread started before block_signals() keeps the signals unblocked, so the handler takes
// them there; the synchronous waiter must still be woken.
NOTES_SCENARIO(sync_woken_by_other_thread) {
  constexpr int kRounds = 20;
  std::mutex m;
  std::condition_variable cv;
  int received = 0;
  bool go = false;
  std::thread helper([&] {
    std::unique_lock<std::mutex> lock(m);
    for (int i = 0; i < kRounds; i++) {
      cv.wait(lock, [&] { return go && received == i; });
      kill(getpid(), SIGHUP);  // only this thread has SIGHUP unblocked: its handler takes it
    }
  });
  if (!notes::block_signals({"hangup"}).ok()) return 2;
  auto rx = notes::Receiver::open({"hangup"}, {.synchronous = true});
  if (!rx) return 3;
  {
    std::lock_guard<std::mutex> lock(m);
    go = true;
  }
  cv.notify_all();
  for (int i = 0; i < kRounds; i++) {
    auto n = rx->wait_for(kPatience);
    if (!n) break;
    std::lock_guard<std::mutex> lock(m);
    received++;
    cv.notify_all();
  }
  helper.join();
  return received == kRounds ? 0 : 4;
}

TEST_CASE("a synchronous waiter is woken when another thread's handler queues its note") {
  NOTES_CHECK_SCENARIO("sync_woken_by_other_thread");
}

NOTES_SCENARIO(sync_stop_wakes_waiter) {
  if (!notes::block_signals({"quit"}).ok()) return 2;
  auto rx = notes::Receiver::open({"quit"}, {.synchronous = true});
  if (!rx) return 3;
  std::atomic<bool> stopped{false};
  std::thread waiter([&] { stopped = rx->wait().status().code() == notes::Code::stopped; });
  std::this_thread::sleep_for(50ms);
  rx->stop();
  waiter.join();
  return stopped ? 0 : 4;
}

TEST_CASE("stop wakes a synchronous waiter") {
  NOTES_CHECK_SCENARIO("sync_stop_wakes_waiter");
}
