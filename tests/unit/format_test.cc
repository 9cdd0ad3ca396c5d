// notes/format.h: Status and Note print through fmt as their messages and texts.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "notes/format.h"

TEST_CASE("fmt prints a Status as its message and a Note as its text") {
  CHECK(fmt::format("{}", notes::Status(notes::Code::too_long, 130)) ==
        "note too long: 130 bytes, at most 127");
  CHECK(fmt::format("[{:>8}]", *notes::Note::make("hangup")) == "[  hangup]");
}
