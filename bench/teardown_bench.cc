// Teardown of a group of N members that exit on the note: the time from the trigger until every
// member is reaped, for notes::ShutdownGroup against the raw way (one killpg, then a waitpid
// loop) in the same run. Prints medians and the ratio; the target is at most 1.2x at N = 1000.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "notes/shutdown_group.h"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Raw: N children running sleep in one process group; killpg, then waitpid until all are gone.
double raw_teardown(int n) {
  std::vector<pid_t> pids;
  pid_t group = 0;
  // Every child holds the write end until its exec closes it: end of file means all have exec'd.
  int ready[2];
  if (pipe(ready) != 0) return -1;
  fcntl(ready[1], F_SETFD, FD_CLOEXEC);
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, group);
      close(ready[0]);
      execl("/bin/sleep", "sleep", "1000", static_cast<char*>(nullptr));
      _exit(127);
    }
    setpgid(pid, group == 0 ? pid : group);
    if (group == 0) group = pid;
    pids.push_back(pid);
  }
  close(ready[1]);
  char c;
  while (read(ready[0], &c, 1) > 0) {
  }
  close(ready[0]);
  auto t0 = Clock::now();
  killpg(group, SIGTERM);
  int reaped = 0;
  while (reaped < n) {
    if (waitpid(-1, nullptr, 0) > 0) reaped++;
  }
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// notes: N members of a ShutdownGroup; shutdown(), then run() until all are reaped. The time is
// taken from the group's own events: trigger to finished.
double notes_teardown(int n) {
  double trigger_ms = -1, finished_ms = -1;
  notes::ShutdownGroup::Options o;
  o.grace = std::chrono::seconds(60);
  o.on_event = [&](const notes::Event& e) {
    double ms = std::chrono::duration<double, std::milli>(e.elapsed).count();
    if (e.kind == notes::Event::Kind::trigger) trigger_ms = ms;
    if (e.kind == notes::Event::Kind::finished) finished_ms = ms;
  };
  notes::ShutdownGroup group(o);
  for (int i = 0; i < n; i++) {
    if (!group.spawn({"/bin/sleep", "1000"})) return -1;
  }
  group.shutdown();
  group.run();
  return finished_ms - trigger_ms;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int rounds = quick ? 1 : 5;
  std::vector<int> sizes = quick ? std::vector<int>{10, 100} : std::vector<int>{10, 100, 1000};
  fmt::print("teardown: trigger to all reaped, median of {} rounds (ms)\n", rounds);
  fmt::print("{:>6} {:>10} {:>10} {:>7}\n", "N", "raw", "notes", "ratio");
  bool target_holds = true;
  for (int n : sizes) {
    std::vector<double> raw, ours;
    for (int r = 0; r < rounds; r++) {
      raw.push_back(raw_teardown(n));
      ours.push_back(notes_teardown(n));
    }
    double a = median(raw), b = median(ours);
    fmt::print("{:>6} {:>10.2f} {:>10.2f} {:>7.2f}\n", n, a, b, b / a);
    if (n == 1000) target_holds = b / a <= 1.2;
  }
  if (!quick)
    fmt::print("target (N = 1000): ratio <= 1.2: {}\n", target_holds ? "holds" : "misses");
  return 0;
}
