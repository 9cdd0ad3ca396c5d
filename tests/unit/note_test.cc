// Note, Status and Result: the values every call passes around.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "notes/note.h"
#include "notes/status.h"

TEST_CASE("Note::validate enforces 1 to 127 bytes without NUL") {
  CHECK(notes::Note::validate("x").ok());
  CHECK(notes::Note::validate(std::string(127, 'x')).ok());
  CHECK(notes::Note::validate("").code() == notes::Code::empty);
  auto too_long = notes::Note::validate(std::string(300, 'x'));
  CHECK(too_long.code() == notes::Code::too_long);
  CHECK(too_long.value() == 300);
  auto nul = notes::Note::validate(std::string_view("ab\0c", 4));
  CHECK(nul.code() == notes::Code::contains_nul);
  CHECK(nul.value() == 2);
}

TEST_CASE("Note keeps UTF-8 text whole and compares by content") {
  auto n = notes::Note::make("Grüße aus Plan 9");
  REQUIRE(n);
  CHECK(n->view() == "Grüße aus Plan 9");
  CHECK(std::string(n->c_str()) == "Grüße aus Plan 9");
  CHECK(*n == "Grüße aus Plan 9");
  CHECK(!(*n == "Gruesse"));
  CHECK(notes::Note().empty());
  CHECK(notes::Note::make("sys: usr1")->is_system());
  CHECK(!notes::Note::make("sys")->is_system());
  CHECK(!notes::Note::make("system")->is_system());
}

TEST_CASE("Status messages name the problem and its detail") {
  using notes::Code;
  using notes::Status;
  CHECK(Status(Code::too_long, 200).to_string() == "note too long: 200 bytes, at most 127");
  CHECK(Status(Code::empty).to_string() == "empty note: a note has 1 to 127 bytes");
  CHECK(Status(Code::no_such_process, 4242).to_string() == "no such process: 4242");
  CHECK(Status(Code::permission_denied, 1).to_string() ==
        "permission denied: process 1 belongs to another user");
  CHECK(Status(Code::queue_full, 7).to_string() ==
        "note not posted: the note queue of process 7 is full; try again");
  CHECK(Status(Code::not_deliverable, 7).to_string() ==
        "note not deliverable: process 7 has no mailbox (it receives no string notes)");
  CHECK(Status(Code::io, 0, 13, "cannot bind mailbox").to_string() ==
        "cannot bind mailbox: permission denied");
  CHECK(Status(Code::timed_out).to_string() == "timed out");
  CHECK(std::string(notes::code_name(Code::queue_full)) == "queue_full");
}

TEST_CASE("Status::message never overruns a small buffer") {
  char buf[8];
  notes::Status s(notes::Code::too_long, 200);
  size_t wanted = s.message(buf, sizeof buf);
  CHECK(wanted == s.to_string().size());
  CHECK(std::string(buf) == "note to");
  CHECK(s.message(nullptr, 0) == wanted);
}

TEST_CASE("Result holds a move-only value or a status") {
  notes::Result<std::unique_ptr<int>> good(std::make_unique<int>(7));
  REQUIRE(good);
  CHECK(**good == 7);
  notes::Result<std::unique_ptr<int>> moved(std::move(good));
  CHECK(**moved == 7);
  notes::Result<std::unique_ptr<int>> bad(notes::Code::queue_full);
  CHECK(!bad);
  CHECK(bad.status().code() == notes::Code::queue_full);
  notes::Result<int> ok_status_is_not_a_value{notes::Status()};
  CHECK(!ok_status_is_not_a_value);
}
