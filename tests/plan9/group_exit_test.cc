// Group exit (notes/group_exit.h) on a real kernel: a program of several procs ends as one. The
// test runs itself as a child in each mode (child.h); the child's procs print what they see, and
// the parent checks the output and the child's exit string (the program's status, which the
// parent's wait message reports for the first proc).
//
//   main-exits    main calls exits: each worker runs the exit handler and exits with main's
//                 status (main reaps them in its atexit handler, which runs after they left)
//   worker-exits  a worker calls exits: main and the other workers run the handler and exit;
//                 the atexit handler runs in the worker; the program's status is the worker's
//   race          two workers exit at the same moment: one status wins everywhere
//   main-returns  main returns 7: the status "7" everywhere
//   fault         a worker faults: the others end with the fault's note as the status
//   locked        a worker inside a plan9::Lock finishes its critical section before it exits
//   returned      a worker whose function returned is gone; the rest exit normally
//   busy          many workers allocate (the heap's lock) and take a Lock when main exits: each
//                 leaves its critical section, runs the handler and exits; nothing hangs
#include <atomic>
#include <string>

#include "check.h"
#include "child.h"
#include "notes/notes.h"

namespace {

constexpr int kWorkers = 3;
constexpr int kBusy = 8;

std::int32_t started = 0;  // a worker is running
std::int32_t go = 0;       // released to the workers that exit
std::int32_t never = 0;    // never released: workers block on it
int worker_pids[kBusy];    // written by main before the workers start waiting
plan9::Lock lock;
std::int64_t exit_called = 0;  // nsec() when main called exits

// Blocks until a note ends the proc.
[[noreturn]] void block() {
  for (;;) plan9::semacquire(&never, 1);
}

notes::Disposition on_exit_note(const notes::Note& note, void*) noexcept {
  plan9::print("exit handler in proc %d: %s\n", plan9::getpid(), note.c_str());
  return notes::Disposition::handled;
}

void atexit_report() {
  plan9::print("atexit in proc %d\n", plan9::getpid());
  if (exit_called != 0)
    plan9::print("the others were gone %lld ms after exits\n",
                 static_cast<long long>((plan9::nsec() - exit_called) / 1000000));
  // Only main can reap its workers; their wait messages say how each one ended.
  for (int pid : worker_pids) {
    char status[plan9::kErrMax] = "unset";
    if (pid > 0 && plan9::wait_proc(pid, status, sizeof status) == 0)
      plan9::print("worker %d exited with '%s'\n", pid, status);
  }
}

void waiting_worker(void*) {
  plan9::semrelease(&started, 1);
  block();
}

// Exits with the status in arg once `go` is released.
void exiting_worker(void* arg) {
  plan9::semrelease(&started, 1);
  while (plan9::semacquire(&go, 1) != 1) {
  }
  plan9::exits(static_cast<const char*>(arg));
}

void faulting_worker(void*) {
  plan9::semrelease(&started, 1);
  while (plan9::semacquire(&go, 1) != 1) {
  }
  volatile int* nowhere = nullptr;
  plan9::print("read %d\n", *nowhere);
}

// Holds the lock for 300 ms, through the exit note.
void locked_worker(void*) {
  lock.lock();
  plan9::semrelease(&started, 1);
  const std::int64_t until = plan9::nsec() + 300'000'000;
  while (plan9::nsec() < until) plan9::sleep(50);
  plan9::print("worker unlocking\n");
  lock.unlock();
  plan9::print("worker still running after unlock\n");
  block();
}

void quick_worker(void*) {
  plan9::semrelease(&started, 1);
}

std::atomic<long> busy_rounds{0};

void busy_worker(void*) {
  plan9::semrelease(&started, 1);
  for (long i = 0;; i++) {
    std::string s(static_cast<std::size_t>(16 + i % 3000), 'b');
    lock.lock();
    busy_rounds += static_cast<long>(s.size() > 0);
    lock.unlock();
  }
}

void start_workers(void (*fns[kWorkers])(void*), void** args) {
  for (int i = 0; i < kWorkers; i++) worker_pids[i] = plan9::spawn_proc(fns[i], args[i]);
  for (int i = 0; i < kWorkers; i++) {
    while (plan9::semacquire(&started, 1) != 1) {
    }
  }
  plan9::print("workers %d %d %d, main %d\n", worker_pids[0], worker_pids[1], worker_pids[2],
               plan9::getpid());
}

int child(const char* mode) {
  // Static: it must outlive main's return (main-returns); static destructors run after the
  // other procs are gone.
  static auto h = notes::Handler::install({notes::group_exit_note}, on_exit_note);
  if (!h) plan9::exits("no handler");
  plan9::atexit(atexit_report);
  static char first[] = "first", second[] = "second", failed[] = "worker 2 failed";
  void* none[kWorkers] = {nullptr, nullptr, nullptr};
  if (p9test::equal(mode, "main-exits") || p9test::equal(mode, "main-returns")) {
    void (*fns[kWorkers])(void*) = {waiting_worker, waiting_worker, waiting_worker};
    start_workers(fns, none);
    if (mode[5] == 'r') return 7;
    plan9::exits("main says bye");
  }
  if (p9test::equal(mode, "worker-exits")) {
    void (*fns[kWorkers])(void*) = {waiting_worker, exiting_worker, waiting_worker};
    void* args[kWorkers] = {nullptr, failed, nullptr};
    start_workers(fns, args);
    plan9::semrelease(&go, 1);
    block();
  }
  if (p9test::equal(mode, "race")) {
    void (*fns[kWorkers])(void*) = {exiting_worker, exiting_worker, waiting_worker};
    void* args[kWorkers] = {first, second, nullptr};
    start_workers(fns, args);
    plan9::semrelease(&go, 2);
    block();
  }
  if (p9test::equal(mode, "fault")) {
    void (*fns[kWorkers])(void*) = {waiting_worker, faulting_worker, waiting_worker};
    start_workers(fns, none);
    plan9::semrelease(&go, 1);
    block();
  }
  if (p9test::equal(mode, "locked")) {
    void (*fns[kWorkers])(void*) = {waiting_worker, locked_worker, waiting_worker};
    start_workers(fns, none);
    plan9::exits("bye");
  }
  if (p9test::equal(mode, "busy")) {
    for (int& pid : worker_pids) pid = plan9::spawn_proc(busy_worker, nullptr);
    for (int i = 0; i < kBusy; i++) {
      while (plan9::semacquire(&started, 1) != 1) {
      }
    }
    plan9::sleep(50);
    plan9::print("%ld rounds\n", busy_rounds.load());
    exit_called = plan9::nsec();
    plan9::exits("busy bye");
  }
  if (p9test::equal(mode, "returned")) {
    void (*fns[kWorkers])(void*) = {waiting_worker, quick_worker, waiting_worker};
    start_workers(fns, none);
    char status[plan9::kErrMax] = "unset";
    while (plan9::wait_proc(worker_pids[1], status, sizeof status) != 0) {
    }
    plan9::print("worker %d exited with '%s'\n", worker_pids[1], status);
    worker_pids[1] = 0;  // reaped
    plan9::print("main still running\n");
    plan9::exits("done");
  }
  return 1;
}

// How many lines of out contain part.
int lines_with(const char* out, const char* part) {
  int n = 0;
  const char* line = out;
  while (*line != 0) {
    const char* end = line;
    while (*end != 0 && *end != '\n') end++;
    char buf[256];
    std::size_t len = static_cast<std::size_t>(end - line);
    if (len >= sizeof buf) len = sizeof buf - 1;
    for (std::size_t i = 0; i < len; i++) buf[i] = line[i];
    buf[len] = 0;
    if (p9test::contains(buf, part)) n++;
    line = *end == 0 ? end : end + 1;
  }
  return n;
}

// Where part first occurs in s, or the end of s.
const char* find(const char* s, const char* part) {
  for (; *s != 0; s++) {
    std::size_t i = 0;
    while (part[i] != 0 && s[i] == part[i]) i++;
    if (part[i] == 0) return s;
  }
  return s;
}

// The exit string of the child's wait message ("" or "<prog> <pid>: <string>").
const char* exit_string(const p9test::ChildResult& r) {
  const char* s = r.status;
  while (*s != 0 && !(s[0] == ':' && s[1] == ' ')) s++;
  return *s == 0 ? s : s + 2;
}

p9test::ChildResult run(const char* self, const char* mode) {
  p9test::ChildResult r = p9test::run_child(self, mode);
  plan9::print("--- %s: wait message %s\n%s", mode, r.wait_msg, r.output);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) return child(argv[1]);
  const char* self = argv[0];

  p9test::ChildResult r = run(self, "main-exits");
  CHECK(r.ran);
  CHECK(p9test::equal(exit_string(r), "main says bye"));
  CHECK(lines_with(r.output, "exit handler in proc") == kWorkers);
  CHECK(lines_with(r.output, ": notes: exit main says bye") == kWorkers);
  CHECK(lines_with(r.output, "atexit in proc") == 1);
  CHECK(lines_with(r.output, ": main says bye'") == kWorkers);  // "exited with 't1 N: ...'"

  r = run(self, "worker-exits");
  CHECK(p9test::equal(exit_string(r), "worker 2 failed"));
  CHECK(lines_with(r.output, ": notes: exit worker 2 failed") == kWorkers);  // main and 2 workers
  CHECK(lines_with(r.output, "atexit in proc") == 1);

  r = run(self, "race");
  const char* won = exit_string(r);
  CHECK(p9test::equal(won, "first") || p9test::equal(won, "second"));
  char note[64];
  plan9::snprint(note, sizeof note, ": notes: exit %s", won);
  CHECK(lines_with(r.output, "exit handler in proc") == kWorkers);  // main, the loser, worker 3
  CHECK(lines_with(r.output, note) == kWorkers);
  CHECK(lines_with(r.output, "atexit in proc") == 1);

  r = run(self, "main-returns");
  CHECK(p9test::equal(exit_string(r), "7"));
  CHECK(lines_with(r.output, ": notes: exit 7") == kWorkers);
  CHECK(lines_with(r.output, ": 7'") == kWorkers);

  r = run(self, "fault");
  CHECK(p9test::contains(exit_string(r), "sys: trap: fault read addr=0x0"));
  // main and the two other workers
  CHECK(lines_with(r.output, ": notes: exit sys: trap: fault read addr=0x0") == kWorkers);

  r = run(self, "locked");
  CHECK(p9test::equal(exit_string(r), "bye"));
  CHECK(lines_with(r.output, "worker unlocking") == 1);
  CHECK(lines_with(r.output, "worker still running") == 0);
  CHECK(lines_with(r.output, ": bye'") == kWorkers);
  // The atexit handler ran after the locked worker left its critical section.
  CHECK(lines_with(find(r.output, "worker unlocking"), "atexit in proc") == 1);

  for (int round = 0; round < 3; round++) {
    r = run(self, "busy");
    CHECK(p9test::equal(exit_string(r), "busy bye"));
    CHECK(lines_with(r.output, ": notes: exit busy bye") == kBusy);
    CHECK(lines_with(r.output, ": busy bye'") == kBusy);
  }

  r = run(self, "returned");
  CHECK(p9test::equal(exit_string(r), "done"));
  CHECK(lines_with(r.output, "main still running") == 1);
  CHECK(lines_with(r.output, "exit handler in proc") == kWorkers - 1);
  CHECK(lines_with(r.output, ": done'") == kWorkers - 1);
  CHECK(lines_with(r.output, "exited with ''") == 1);  // the quick worker
  return p9test::summary();
}
