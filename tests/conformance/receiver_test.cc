// Receivers: notes posted to this process reach every receiver that asked for them, in order,
// exactly once; stop() ends delivery without losing what others were owed.
#include <atomic>
#include <charconv>
#include <chrono>
#include <string>
#include <vector>

#include "conformance/harness.h"
#include "notes/notes.h"

using namespace std::chrono_literals;

namespace {

constexpr auto kPatience = 30s;  // generous: a slow machine must not fail a correct program

std::string receive(notes::Receiver& rx) {
  auto n = rx.wait_for(kPatience);
  return n ? std::string(n->view()) : "error: " + n.status().to_string();
}

// Reads "t<T> <I>" (what the threads below post).
bool parse_post(std::string_view text, int& t, int& i) {
  if (text.empty() || text[0] != 't') return false;
  const char* end = text.data() + text.size();
  auto r = std::from_chars(text.data() + 1, end, t);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != ' ') return false;
  r = std::from_chars(r.ptr + 1, end, i);
  return r.ec == std::errc() && r.ptr == end;
}

}  // namespace

TEST_CASE("a mapped note posted to this process reaches its receiver") {
  auto rx = notes::Receiver::open({"hangup"});
  REQUIRE(rx);
  REQUIRE(notes::post(notes::this_process(), "hangup").ok());
  CHECK(receive(*rx) == "hangup");
}

TEST_CASE("a string note posted to this process reaches its receiver") {
  auto rx = notes::Receiver::open({"rotate logs"});
  REQUIRE(rx);
  notes::Status s = notes::post(notes::this_process(), "rotate logs");
  REQUIRE_MESSAGE(s.ok(), s.to_string());
  CHECK(receive(*rx) == "rotate logs");
}

TEST_CASE("string notes arrive in the order they were posted") {
  auto rx = notes::Receiver::open(notes::NoteSet::all());
  REQUIRE(rx);
  for (int i = 0; i < 5; i++) {
    REQUIRE(notes::post(notes::this_process(), "step " + std::to_string(i)).ok());
  }
  for (int i = 0; i < 5; i++) CHECK(receive(*rx) == "step " + std::to_string(i));
}

TEST_CASE("each receiver of a note gets its own copy") {
  auto a = notes::Receiver::open({"interrupt", "shared"});
  auto b = notes::Receiver::open({"interrupt", "shared"});
  auto other = notes::Receiver::open({"unrelated"});
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(other);
  REQUIRE(notes::post(notes::this_process(), "interrupt").ok());
  REQUIRE(notes::post(notes::this_process(), "shared").ok());
  CHECK(receive(*a) == "interrupt");
  CHECK(receive(*a) == "shared");
  CHECK(receive(*b) == "interrupt");
  CHECK(receive(*b) == "shared");
  CHECK(other->try_receive().status().code() == notes::Code::timed_out);
  CHECK(a->counters().received == 2);
  CHECK(b->counters().queued == 2);
}

TEST_CASE("all() takes plain notes and string notes but no system notes") {
  auto rx = notes::Receiver::open(notes::NoteSet::all());
  auto usr1 = notes::Receiver::open({"sys: usr1"});
  REQUIRE(rx);
  REQUIRE(usr1);
  REQUIRE(notes::post(notes::this_process(), "sys: usr1").ok());
  REQUIRE(notes::post(notes::this_process(), "kill").ok());
  CHECK(receive(*usr1) == "sys: usr1");
  CHECK(receive(*rx) == "kill");
  CHECK(rx->try_receive().status().code() == notes::Code::timed_out);
}

TEST_CASE("try_receive and wait_for time out when nothing comes") {
  auto rx = notes::Receiver::open({"alarm"});
  REQUIRE(rx);
  CHECK(rx->try_receive().status().code() == notes::Code::timed_out);
  CHECK(rx->wait_for(20ms).status().code() == notes::Code::timed_out);
  CHECK(rx->wait_for(-5ms).status().code() == notes::Code::timed_out);
}

TEST_CASE("a blocked wait wakes for a note posted from another thread") {
  auto rx = notes::Receiver::open({"wake up"});
  REQUIRE(rx);
  notes_test::Thread poster([] {
    notes_test::sleep_for(50ms);
    (void)notes::post(notes::this_process(), "wake up");
  });
  CHECK(receive(*rx) == "wake up");
  poster.join();
}

TEST_CASE("stop wakes a waiter, keeps what was queued, and takes nothing after") {
  auto rx = notes::Receiver::open({"quit", "later"});
  auto keeper = notes::Receiver::open({"later"});
  REQUIRE(rx);
  REQUIRE(keeper);
  REQUIRE(notes::post(notes::this_process(), "later").ok());
  CHECK(receive(*keeper) == "later");
  rx->stop();
  REQUIRE(notes::post(notes::this_process(), "later").ok());
  CHECK(receive(*keeper) == "later");
  CHECK(receive(*rx) == "later");  // queued before stop: still handed out
  CHECK(rx->wait().status().code() == notes::Code::stopped);
  CHECK(rx->counters().queued == 1);

  auto waiter = notes::Receiver::open({"never sent"});
  REQUIRE(waiter);
  static std::atomic<bool> woke;  // static: shared with the thread (harness.h)
  woke = false;
  notes_test::Thread t([&] {
    auto r = waiter->wait();
    woke = r.status().code() == notes::Code::stopped;
  });
  notes_test::sleep_for(20ms);
  waiter->stop();
  t.join();
  CHECK(woke.load());
}

TEST_CASE("a full queue loses no note in silence") {
  auto rx = notes::Receiver::open({"burst"}, {.capacity = 2});
  REQUIRE(rx);
  int posted = 0, refused = 0;
  for (int i = 0; i < 8; i++) {
    notes::Status s = notes::post(notes::this_process(), "burst");
    if (s.ok()) {
      posted++;
    } else {
      CHECK(s.code() == notes::Code::queue_full);
      refused++;
    }
  }
  CHECK(posted >= 2);
  int received = 0;
  while (rx->wait_for(200ms)) received++;
  // Every accepted note was received, or dropped and counted. A mailbox holds string notes back
  // while the queue is full, so none is dropped there (harness.h kStringNoteMailbox).
  CHECK(received >= 2);
  CHECK(received + static_cast<int>(rx->counters().dropped) == posted);
  if (notes_test::kStringNoteMailbox) {
    CHECK(received == posted);
    CHECK(rx->counters().dropped == 0);
  }
}

TEST_CASE("a string note nobody listens for is counted, not lost in silence") {
  if (!notes_test::kStringNoteMailbox) {
    // Its default action ends the process (Plan 9): tests/plan9/ctl_kill_test shows it.
    MESSAGE("skipped: a note nobody takes gets the default action here");
    return;
  }
  auto rx = notes::Receiver::open({"listened"});
  REQUIRE(rx);
  const uint64_t before = notes::counters().unhandled;
  REQUIRE(notes::post(notes::this_process(), "not listened").ok());
  REQUIRE(notes::post(notes::this_process(), "listened").ok());
  CHECK(receive(*rx) == "listened");
  CHECK(notes::counters().unhandled == before + 1);
}

TEST_CASE("notes from many threads are each received exactly once") {
  constexpr int kThreads = 4, kEach = 200;
  auto rx = notes::Receiver::open(notes::NoteSet::all(), {.capacity = 1024});
  REQUIRE(rx);
  static std::atomic<int> accepted;  // static: shared with the threads (harness.h)
  accepted = 0;
  std::vector<notes_test::Thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([t] {
      for (int i = 0; i < kEach; i++) {
        // Appended piece by piece: GCC 12 -O3 warns falsely (-Wrestrict) on "t" + to_string(t).
        std::string note = "t";
        note += std::to_string(t);
        note += ' ';
        note += std::to_string(i);
        for (;;) {
          notes::Status s = notes::post(notes::this_process(), note);
          if (s.ok()) break;
          if (s.code() != notes::Code::queue_full) return;
          notes_test::yield();
        }
        accepted++;
      }
    });
  }
  std::vector<std::vector<int>> seen(kThreads, std::vector<int>(kEach, 0));
  for (int got = 0; got < kThreads * kEach; got++) {
    auto n = rx->wait_for(kPatience);
    REQUIRE(n);
    int t = 0, i = 0;
    REQUIRE(parse_post(n->view(), t, i));
    REQUIRE((t >= 0 && t < kThreads && i >= 0 && i < kEach));
    seen[t][i]++;
  }
  for (auto& th : threads) th.join();
  CHECK(accepted.load() == kThreads * kEach);
  int wrong = 0;
  for (auto& v : seen)
    for (int c : v) wrong += c != 1;
  CHECK(wrong == 0);
  CHECK(rx->counters().dropped == 0);
}
