// The length of a note: 127 bytes at most in the library (ERRMAX 128 with the NUL), never cut.
// Kernels differ by one: 9front's procwrite refuses a write of n >= ERRMAX bytes to
// /proc/N/note (port/devproc.c at 027f579f), Bell Labs' n >= ERRMAX-1, and some 9front kernels
// (the one these tests were run on) refuse 127 as well. Either way the refusal is "read or
// write too large" (Etoobig), which post() reports as too_long, and nothing is delivered cut.
// 126 bytes pass everywhere; 128 bytes never (the library refuses them before writing).
#include "check.h"
#include "notes/notes.h"

namespace {

char text[129];

long write_note(long n) {
  char path[32];
  plan9::snprint(path, sizeof path, "/proc/%d/note", plan9::getpid());
  const int fd = plan9::open(path, plan9::OWRITE);
  if (fd < 0) return -1;
  const long r = plan9::write(fd, text, n);
  plan9::close(fd);
  return r;
}

bool too_large() {
  char err[plan9::kErrMax];
  plan9::rerrstr(err, sizeof err);
  return p9test::equal(err, "read or write too large");
}

// The next note of rx is exactly the first n bytes of text.
bool arrived_whole(notes::Receiver& rx, long n) {
  auto got = rx.try_receive();
  return got.ok() && got->view() == std::string_view(text, static_cast<size_t>(n));
}

bool nothing(notes::Receiver& rx) {
  return rx.try_receive().status().code() == notes::Code::timed_out;
}

}  // namespace

int main(int, char**) {
  for (int i = 0; i < 128; i++) text[i] = static_cast<char>('a' + i % 26);
  auto rx = notes::Receiver::open(notes::NoteSet::all(), {.capacity = 8});
  CHECK(rx.ok());

  // The kernel.
  CHECK(write_note(126) == 126);
  CHECK(arrived_whole(*rx, 126));
  const long r127 = write_note(127);
  const bool kernel_takes_127 = r127 == 127;
  plan9::print("the kernel %s 127 bytes\n", kernel_takes_127 ? "takes" : "refuses");
  if (kernel_takes_127) {
    CHECK(arrived_whole(*rx, 127));
  } else {
    CHECK(r127 == -1 && too_large());
  }
  CHECK(nothing(*rx));
  CHECK(write_note(128) == -1);
  CHECK(too_large());
  CHECK(nothing(*rx));

  // The library: the same, and 128 refused before anything is written.
  CHECK(notes::post(notes::this_process(), std::string_view(text, 126)).ok());
  CHECK(arrived_whole(*rx, 126));
  notes::Status s = notes::post(notes::this_process(), std::string_view(text, 127));
  plan9::print("post of 127 bytes: %s\n", s.to_string().c_str());
  if (kernel_takes_127) {
    CHECK(s.ok());
    CHECK(arrived_whole(*rx, 127));
  } else {
    CHECK(s.code() == notes::Code::too_long);
    CHECK(s.value() == 127);
    CHECK(s.to_string() == "note too long: 127 bytes for the kernel: read or write too large");
  }
  CHECK(nothing(*rx));
  s = notes::post(notes::this_process(), std::string_view(text, 128));
  CHECK(s.code() == notes::Code::too_long);
  CHECK(s.to_string() == "note too long: 128 bytes, at most 127");
  CHECK(nothing(*rx));
  return p9test::summary();
}
