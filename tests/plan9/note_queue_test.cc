// The kernel's note queue, through the library: while a handler runs, notes posted to the proc
// are held (9front port/proc.c popnote: "hold off user notes during note handling") and queued,
// at most NNOTE = 5 of them (port/portdat.h); the sixth write of /proc/N/note fails with "note
// not posted" (port/devproc.c procwrite), which post() reports as queue_full. After the handler
// the held notes are delivered one at a time, in order, each after the previous handler ended.
#include "check.h"
#include "notes/notes.h"

namespace {

constexpr int kPosts = 6;
notes::Code codes[kPosts];
bool in_burst = false;  // the "burst" handler is running
int nested = 0;         // held notes handled while it ran (must stay 0)
int held_handled = 0;

notes::Disposition on_burst(const notes::Note&, void*) noexcept {
  in_burst = true;
  const long me = notes::this_process();
  char text[] = "held 0";
  for (int i = 0; i < kPosts; i++) {
    text[5] = static_cast<char>('1' + i);
    codes[i] = notes::post(me, text).code();
  }
  in_burst = false;
  return notes::Disposition::handled;
}

notes::Disposition on_held(const notes::Note&, void*) noexcept {
  if (in_burst) nested++;
  held_handled++;
  return notes::Disposition::not_mine;  // the receiver gets its copy too
}

}  // namespace

int main(int, char**) {
  auto burst = notes::Handler::install({"burst"}, on_burst);
  auto held = notes::Handler::install({"held 1", "held 2", "held 3", "held 4", "held 5", "held 6"},
                                      on_held);
  auto rx = notes::Receiver::open({"held 1", "held 2", "held 3", "held 4", "held 5", "held 6"});
  CHECK(burst.ok() && held.ok() && rx.ok());

  CHECK(notes::post(notes::this_process(), "burst").ok());
  for (int i = 0; i < kPosts; i++)
    plan9::print("post %d in the handler: %s\n", i + 1, notes::code_name(codes[i]));
  for (int i = 0; i < 5; i++) CHECK(codes[i] == notes::Code::ok);
  CHECK(codes[5] == notes::Code::queue_full);
  CHECK(nested == 0);
  CHECK(held_handled == 5);

  // Delivered after the handler, in order; the sixth never.
  char want[] = "held 0";
  for (int i = 0; i < 5; i++) {
    want[5] = static_cast<char>('1' + i);
    auto n = rx->try_receive();
    CHECK(n.ok() && *n == want);
  }
  CHECK(rx->try_receive().status().code() == notes::Code::timed_out);

  // The message a person reads.
  notes::Status full(notes::Code::queue_full, 42);
  CHECK(full.to_string() == "note not posted: the note queue of process 42 is full; try again");
  return p9test::summary();
}
