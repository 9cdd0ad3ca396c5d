// The conformance suite's test macros and helpers. On POSIX the macros are doctest's; the Plan 9
// build supplies a freestanding harness with the same names (TEST_CASE, CHECK, CHECK_FALSE,
// CHECK_EQ, CHECK_MESSAGE, REQUIRE, REQUIRE_FALSE, REQUIRE_MESSAGE, MESSAGE, CAPTURE) that prints
// "N passed, N failed". Conformance tests use nothing else, only the public API, and these
// helpers for what the C++ library lacks on Plan 9 (std::thread, sleep_for):
//
//   notes_test::Thread t(fn); t.join();   a thread (on Plan 9 a proc made by plan9::spawn_proc,
//                                         which shares static and heap memory with the test but
//                                         NOT its stack: share state through statics)
//   notes_test::sleep_for(duration);      sleeps at least that long
//   notes_test::yield();                  lets another thread run
//   notes_test::kStringNoteMailbox        where the backends rightly differ: true where string
//                                         notes travel through a per-process mailbox (POSIX), so
//                                         a full receiver queue holds them back (the sender gets
//                                         queue_full) and one nobody wants is counted and
//                                         discarded; false where every note is handled as it
//                                         arrives (Plan 9), so a full queue drops the copy (and
//                                         counts it) and a note nobody wants gets its default
//                                         action, which ends the process.
#ifndef NOTES_TESTS_CONFORMANCE_HARNESS_H
#define NOTES_TESTS_CONFORMANCE_HARNESS_H

#if __STDC_HOSTED__
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <thread>
#include <utility>

namespace notes_test {

class Thread {
 public:
  explicit Thread(std::function<void()> fn) : thread_(std::move(fn)) {}
  void join() { thread_.join(); }

 private:
  std::thread thread_;
};

inline void sleep_for(std::chrono::milliseconds d) {
  std::this_thread::sleep_for(d);
}
inline void yield() {
  std::this_thread::yield();
}

inline constexpr bool kStringNoteMailbox = true;

}  // namespace notes_test
#else
#include "conformance/freestanding_harness.h"
#endif

#endif
