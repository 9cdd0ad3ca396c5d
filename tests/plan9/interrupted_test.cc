// A note interrupts a blocked system call: the call fails with the error string "interrupted"
// once the handler has run and continued (9front port/proc.c sleep and interrupted: error(Eintr);
// notify(2)). Shown for read on a pipe, sleep and semacquire, with a note from another proc
// handled by a library handler. A Receiver's wait is not cut short: it waits on.
#include <atomic>

#include "check.h"
#include "notes/notes.h"

namespace {

std::atomic<int> pokes{0};
int main_pid = 0;
notes::Code poked = notes::Code::ok;  // what the poker's post returned
std::int32_t never = 0;

notes::Disposition on_poke(const notes::Note&, void*) noexcept {
  pokes++;
  return notes::Disposition::handled;
}

// Posts "poke" to main after 100 ms, then "wanted" after another 100 ms if asked to.
void poker(void* also_wanted) {
  plan9::sleep(100);
  poked = notes::post(main_pid, "poke").code();
  if (also_wanted != nullptr) {
    plan9::sleep(100);
    (void)notes::post(main_pid, "wanted");
  }
}

bool interrupted() {
  char err[plan9::kErrMax];
  plan9::rerrstr(err, sizeof err);
  return p9test::equal(err, "interrupted");
}

// Runs blocked() with a poke on its way; true when it failed with "interrupted" after the
// handler ran.
bool cut_short(const char* what, long (*blocked)()) {
  const int before = pokes.load();
  const int pid = plan9::spawn_proc(poker, nullptr);
  const std::int64_t t0 = plan9::nsec();
  const long r = blocked();
  const long ms = static_cast<long>((plan9::nsec() - t0) / 1000000);
  const bool ok = r == -1 && interrupted() && pokes.load() == before + 1;
  plan9::print("%s: returned %ld after %ld ms, pokes %d (post: %s)\n", what, r, ms,
               pokes.load() - before, notes::code_name(poked));
  while (plan9::wait_proc(pid) != 0 && interrupted()) {
  }
  return ok;
}

int pipe_fd[2];
char buf[8];

}  // namespace

int main(int, char**) {
  main_pid = plan9::getpid();
  auto h = notes::Handler::install({"poke"}, on_poke);
  CHECK(h.ok());
  CHECK(plan9::pipe(pipe_fd) == 0);

  CHECK(cut_short("read", [] { return plan9::read(pipe_fd[0], buf, sizeof buf); }));
  // A sleep may end early without a note (sleep(2): "a little more or less"); sleep again.
  CHECK(cut_short("sleep", [] {
    long r = 0;
    for (int i = 0; i < 3 && r == 0; i++) r = plan9::sleep(10000);
    return r;
  }));
  CHECK(cut_short("semacquire", [] { return static_cast<long>(plan9::semacquire(&never, 1)); }));

  // A receiver's wait goes on through the poke and returns the note it waits for.
  auto rx = notes::Receiver::open({"wanted"});
  CHECK(rx.ok());
  static int also = 1;
  const int pid = plan9::spawn_proc(poker, &also);
  const int before = pokes.load();
  auto n = rx->wait_for(std::chrono::seconds(30));
  CHECK(n.ok() && *n == "wanted");
  CHECK(pokes.load() == before + 1);
  while (plan9::wait_proc(pid) != 0 && interrupted()) {
  }
  return p9test::summary();
}
