// The freestanding conformance harness (freestanding_harness.h) over the Plan 9 runtime: the
// test case list, the counters, the output, main, and the helpers (threads are procs).
#include "conformance/freestanding_harness.h"

#include "plan9.h"

int main(int argc, char** argv);

namespace notes_test {
namespace {

struct TestCase {
  const char* name;
  TestFunction fn;
};

constexpr int kMaxTests = 256;
TestCase tests[kMaxTests];
int test_count = 0;
int assertions_passed = 0;
int assertions_failed = 0;
const char* current = "";

void run_thread(void* fn) {
  (*static_cast<std::function<void()>*>(fn))();
}

bool interrupted() {
  char err[plan9::kErrMax];
  plan9::rerrstr(err, sizeof err);
  return std::string_view(err).find("interrupted") != std::string_view::npos;
}

}  // namespace

Registration::Registration(const char* name, TestFunction fn) noexcept {
  if (test_count == kMaxTests) plan9::panic("more than 256 test cases");
  tests[test_count++] = TestCase{name, fn};
}

bool check(bool ok, const char* expression, const char* file, int line) noexcept {
  if (ok) {
    __atomic_fetch_add(&assertions_passed, 1, __ATOMIC_RELAXED);
  } else {
    __atomic_fetch_add(&assertions_failed, 1, __ATOMIC_RELAXED);
    plan9::print("%s:%d: FAILED: CHECK(%s) in \"%s\"\n", file, line, expression, current);
  }
  return ok;
}

void message(std::string_view text) noexcept {
  plan9::print("  message: %.*s\n", static_cast<int>(text.size()), text.data());
}

Thread::Thread(std::function<void()> fn) {
  fn_ = new std::function<void()>(std::move(fn));
  pid_ = plan9::spawn_proc(run_thread, fn_);
  if (pid_ < 0) plan9::panic("cannot start a proc for a test thread");
}

void Thread::join() noexcept {
  if (pid_ < 0) return;
  while (plan9::wait_proc(pid_) != 0 && interrupted()) {
  }
  pid_ = -1;
  delete fn_;
  fn_ = nullptr;
}

void sleep_for(std::chrono::milliseconds d) noexcept {
  // A note cuts a sleep short ("interrupted"): sleep again for what is left.
  const std::int64_t end = plan9::nsec() + static_cast<std::int64_t>(d.count()) * 1000000;
  for (std::int64_t left = end - plan9::nsec(); left > 0; left = end - plan9::nsec()) {
    plan9::sleep(static_cast<long>((left + 999999) / 1000000));
  }
}

void yield() noexcept {
  plan9::sleep(0);
}

}  // namespace notes_test

int main(int, char**) {
  using namespace notes_test;
  int cases_failed = 0;
  for (int i = 0; i < test_count; i++) {
    current = tests[i].name;
    const int failed_before = assertions_failed;
    tests[i].fn();
    const bool ok = assertions_failed == failed_before;
    if (!ok) cases_failed++;
    plan9::print("%s: %s\n", ok ? "ok" : "FAILED", tests[i].name);
  }
  plan9::print("test cases: %d passed, %d failed\n", test_count - cases_failed, cases_failed);
  plan9::print("%d passed, %d failed\n", assertions_passed, assertions_failed);
  return assertions_failed == 0 ? 0 : 1;
}
