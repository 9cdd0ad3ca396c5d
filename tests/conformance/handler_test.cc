// The async handler chain: install order, the first handler that takes a note ends the chain,
// and a removed handler is never called again.
#include <atomic>
#include <chrono>

#include "conformance/harness.h"
#include "notes/notes.h"

using namespace std::chrono_literals;

namespace {

struct Calls {
  std::atomic<int> first{0};
  std::atomic<int> second{0};
};

notes::Disposition not_mine(const notes::Note&, void* context) noexcept {
  static_cast<Calls*>(context)->first++;
  return notes::Disposition::not_mine;
}

notes::Disposition take(const notes::Note& note, void* context) noexcept {
  if (note != "quit" && note != "handler note") return notes::Disposition::not_mine;
  static_cast<Calls*>(context)->second++;
  return notes::Disposition::handled;
}

notes::Disposition never(const notes::Note&, void*) noexcept {
  return notes::Disposition::handled;
}

// Waits until `counter` reaches `want` (handlers run asynchronously on some backends).
bool reaches(const std::atomic<int>& counter, int want) {
  for (int i = 0; i < 30000 && counter.load() < want; i++) {
    auto rx = notes::Receiver::open({"handler tick"});
    if (rx) (void)rx->wait_for(1ms);
  }
  return counter.load() == want;
}

}  // namespace

TEST_CASE("handlers run in install order until one takes the note") {
  Calls calls;
  auto a = notes::Handler::install({"quit", "handler note"}, not_mine, &calls);
  auto b = notes::Handler::install({"quit", "handler note"}, take, &calls);
  auto c = notes::Handler::install({"quit"}, never, nullptr);
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(c);
  REQUIRE(notes::post(notes::this_process(), "quit").ok());
  CHECK(reaches(calls.second, 1));
  CHECK(calls.first.load() == 1);
  REQUIRE(notes::post(notes::this_process(), "handler note").ok());
  CHECK(reaches(calls.second, 2));
  CHECK(calls.first.load() == 2);
}

TEST_CASE("a removed handler is never called again") {
  Calls calls;
  auto keep = notes::Handler::install({"quit"}, take, &calls);
  auto gone = notes::Handler::install({"quit"}, not_mine, &calls);
  REQUIRE(keep);
  REQUIRE(gone);
  gone->remove();
  REQUIRE(notes::post(notes::this_process(), "quit").ok());
  CHECK(reaches(calls.second, 1));
  CHECK(calls.first.load() == 0);
}

TEST_CASE("a handler and a receiver both see a note") {
  Calls calls;
  auto h = notes::Handler::install({"handler note"}, take, &calls);
  auto rx = notes::Receiver::open({"handler note"});
  REQUIRE(h);
  REQUIRE(rx);
  REQUIRE(notes::post(notes::this_process(), "handler note").ok());
  auto n = rx->wait_for(30s);
  REQUIRE(n);
  CHECK(*n == "handler note");
  CHECK(reaches(calls.second, 1));
}

TEST_CASE("a null handler is refused") {
  auto h = notes::Handler::install({"quit"}, nullptr);
  CHECK(h.status().code() == notes::Code::invalid_argument);
}
