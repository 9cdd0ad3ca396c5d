// ctl kill skips the handlers: writing "kill" to /proc/N/ctl makes the kernel end the proc at
// its next crossing into user mode, before any note handler (9front port/devproc.c procctlreq
// CMkill sets procctl = Proc_exitme; pc64/trap.c notify runs procctl first, which calls
// pexit("Killed")). The note "kill" instead runs the handlers, and since none takes it, the
// default action follows: the proc ends with the note as its exit string. Each case runs this
// program again as a victim that prints from its handler.
#include "check.h"
#include "notes/notes.h"

namespace {

notes::Disposition report(const notes::Note& note, void*) noexcept {
  plan9::print("handler ran: %s\n", note.c_str());
  return notes::Disposition::not_mine;  // then the default action: the victim exits
}

[[noreturn]] void victim() {
  static auto h = notes::Handler::install({"kill"}, report);
  plan9::print(h.ok() ? "ready\n" : "no handler\n");
  for (;;) plan9::sleep(100000);
}

struct Outcome {
  char output[512] = {};
  char wait_msg[2 * plan9::kErrMax] = {};
};

// Starts a victim, waits until it is ready, calls hit(pid), collects its output and wait message.
Outcome run_victim(const char* self, bool (*hit)(int pid)) {
  Outcome o;
  int fd[2];
  if (plan9::pipe(fd) < 0) return o;
  const int pid = plan9::rfork(plan9::RFPROC | plan9::RFFDG);
  if (pid == 0) {
    plan9::dup(fd[1], 1);
    plan9::close(fd[0]);
    plan9::close(fd[1]);
    const char* argv[] = {self, "victim", nullptr};
    plan9::exec(self, argv);
    plan9::_exits("exec failed");
  }
  plan9::close(fd[1]);
  long len = plan9::read(fd[0], o.output, sizeof o.output - 1);  // "ready\n"
  if (len > 0 && p9test::contains(o.output, "ready") && hit(pid)) {
    for (long n; (n = plan9::read(fd[0], o.output + len, sizeof o.output - 1 - len)) > 0;) len += n;
  }
  o.output[len > 0 ? len : 0] = 0;
  plan9::close(fd[0]);
  const int n = plan9::await(o.wait_msg, sizeof o.wait_msg - 1);
  o.wait_msg[n > 0 ? n : 0] = 0;
  return o;
}

bool write_ctl_kill(int pid) {
  char path[32];
  plan9::snprint(path, sizeof path, "/proc/%d/ctl", pid);
  const int fd = plan9::open(path, plan9::OWRITE);
  if (fd < 0) return false;
  const bool ok = plan9::write(fd, "kill", 4) == 4;
  plan9::close(fd);
  return ok;
}

bool post_kill(int pid) {
  return notes::post(pid, "kill").ok();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && p9test::equal(argv[1], "victim")) victim();

  Outcome killed = run_victim(argv[0], write_ctl_kill);
  plan9::print("ctl kill: wait message %s; output:\n%s", killed.wait_msg, killed.output);
  CHECK(p9test::ends_with(killed.wait_msg, ": Killed'"));
  CHECK(!p9test::contains(killed.output, "handler ran"));

  Outcome noted = run_victim(argv[0], post_kill);
  plan9::print("note kill: wait message %s; output:\n%s", noted.wait_msg, noted.output);
  CHECK(p9test::contains(noted.output, "handler ran: kill"));
  CHECK(p9test::ends_with(noted.wait_msg, ": kill'"));
  return p9test::summary();
}
