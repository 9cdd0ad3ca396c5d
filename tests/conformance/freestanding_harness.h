// The conformance suite's harness where doctest cannot run: the freestanding Plan 9 build
// (tests/plan9), over the Plan 9 runtime. Same macros as doctest's, same meaning: a failed CHECK
// is counted and the test case goes on, a failed REQUIRE ends the test case. Test cases run in
// link order; freestanding_harness.cc prints each failed assertion and each test case's result,
// and last the line "N passed, N failed" (assertions) that scripts/run-9front reads. main exits
// with a non-empty status when anything failed. The helpers are those of harness.h.
#ifndef NOTES_TESTS_CONFORMANCE_FREESTANDING_HARNESS_H
#define NOTES_TESTS_CONFORMANCE_FREESTANDING_HARNESS_H

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace notes_test {

using TestFunction = void (*)();

// Adds a test case (from a static initializer, as TEST_CASE does).
struct Registration {
  Registration(const char* name, TestFunction fn) noexcept;
};

// Counts one assertion; prints it when it failed. Returns ok.
bool check(bool ok, const char* expression, const char* file, int line) noexcept;
// Prints a line of the current test case.
void message(std::string_view text) noexcept;
inline void message(const std::string& text) noexcept {
  message(std::string_view(text));
}
inline void message(const char* text) noexcept {
  message(std::string_view(text));
}

// A thread: a proc made by plan9::spawn_proc. It shares static and heap memory with the test,
// but has a private copy of the stack it was started from (rfork RFMEM), so state shared with
// it must not live in the test's local variables.
class Thread {
 public:
  explicit Thread(std::function<void()> fn);
  Thread(Thread&& other) noexcept : pid_(other.pid_), fn_(other.fn_) {
    other.pid_ = -1;
    other.fn_ = nullptr;
  }
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;
  Thread& operator=(Thread&&) = delete;
  ~Thread() { join(); }
  void join() noexcept;

 private:
  int pid_ = -1;
  std::function<void()>* fn_ = nullptr;
};

void sleep_for(std::chrono::milliseconds d) noexcept;
void yield() noexcept;

inline constexpr bool kStringNoteMailbox = false;

}  // namespace notes_test

#define NOTES_TEST_CAT2_(a, b) a##b
#define NOTES_TEST_CAT_(a, b) NOTES_TEST_CAT2_(a, b)
#define NOTES_TEST_CASE_(name, fn)                                                      \
  static void fn();                                                                     \
  static const ::notes_test::Registration NOTES_TEST_CAT_(fn, _registration){name, fn}; \
  static void fn()
#define TEST_CASE(name) NOTES_TEST_CASE_(name, NOTES_TEST_CAT_(notes_test_case_, __COUNTER__))

#define CHECK(...) \
  ::notes_test::check(static_cast<bool>(__VA_ARGS__), #__VA_ARGS__, __FILE__, __LINE__)
#define CHECK_FALSE(...) CHECK(!(__VA_ARGS__))
#define CHECK_EQ(a, b) CHECK((a) == (b))
#define CHECK_MESSAGE(cond, msg)                  \
  do {                                            \
    if (!CHECK(cond)) ::notes_test::message(msg); \
  } while (false)
#define REQUIRE(...)                 \
  do {                               \
    if (!CHECK(__VA_ARGS__)) return; \
  } while (false)
#define REQUIRE_FALSE(...) REQUIRE(!(__VA_ARGS__))
#define REQUIRE_MESSAGE(cond, msg) \
  do {                             \
    if (!CHECK(cond)) {            \
      ::notes_test::message(msg);  \
      return;                      \
    }                              \
  } while (false)
#define MESSAGE(msg) ::notes_test::message(msg)
#define CAPTURE(x) static_cast<void>(0)

#endif  // NOTES_TESTS_CONFORMANCE_FREESTANDING_HARNESS_H
