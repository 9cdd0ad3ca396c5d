// Errors a caller can act on: bad notes are refused with the reason, never truncated.
#include <string>

#include "conformance/harness.h"
#include "notes/notes.h"

namespace {

// A pid that no process has (beyond any pid_max a kernel allows by default).
constexpr long kNoSuchPid = 0x7ffffff0;

}  // namespace

TEST_CASE("a note of 127 bytes is accepted, 128 is too long and never truncated") {
  std::string max(127, 'x');
  auto ok = notes::Note::make(max);
  REQUIRE(ok);
  CHECK(ok->size() == 127);
  CHECK(ok->view() == max);

  std::string over(128, 'x');
  auto bad = notes::Note::make(over);
  REQUIRE(!bad);
  CHECK(bad.status().code() == notes::Code::too_long);
  CHECK(bad.status().value() == 128);
}

TEST_CASE("post refuses bad notes before sending anything") {
  notes::Status s = notes::post(notes::this_process(), std::string(200, 'a'));
  CHECK(s.code() == notes::Code::too_long);
  CHECK(s.to_string() == "note too long: 200 bytes, at most 127");

  CHECK(notes::post(notes::this_process(), "").code() == notes::Code::empty);
  CHECK(notes::post(notes::this_process(), std::string_view("a\0b", 3)).code() ==
        notes::Code::contains_nul);
}

TEST_CASE("post to a process that does not exist says so") {
  notes::Status s = notes::post(kNoSuchPid, "hangup");
  CHECK(s.code() == notes::Code::no_such_process);
  CHECK(s.value() == kNoSuchPid);
  CHECK(notes::post(kNoSuchPid, "a string note").code() == notes::Code::no_such_process);
  CHECK(notes::post(0, "hangup").code() == notes::Code::invalid_argument);
  CHECK(notes::post(-5, "hangup").code() == notes::Code::invalid_argument);
}

TEST_CASE("a receiver refuses bad and uncatchable notes") {
  auto too_long = notes::Receiver::open({std::string_view(std::string(128, 'y'))});
  CHECK(too_long.status().code() == notes::Code::too_long);
  auto empty = notes::Receiver::open({""});
  CHECK(empty.status().code() == notes::Code::empty);
  auto kill = notes::Receiver::open({"sys: kill"});
  CHECK(kill.status().code() == notes::Code::uncatchable);
  auto capacity = notes::Receiver::open({"hangup"}, {.capacity = 0});
  CHECK(capacity.status().code() == notes::Code::invalid_argument);
}
