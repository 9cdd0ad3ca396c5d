// What the integration tests expect of every run of `note`.
#ifndef NOTES_TESTS_INTEGRATION_CHECKS_H
#define NOTES_TESTS_INTEGRATION_CHECKS_H

#include <doctest/doctest.h>

#include <string>

#include "integration/child.h"

namespace integration {

// The exit codes `note --help` promises, restated here because they are a contract with scripts:
// a change in the command must break these tests.
enum Exit : int {
  kSuccess = 0,
  kTimedOut = 1,
  kUsage = 2,
  kRejected = 3,
  kNoSuchProcess = 4,
  kPermissionDenied = 5,
  kQueueFull = 6,
  kNotDeliverable = 7,
  kSystemError = 8,
};

// Success: exit 0 and nothing on standard error.
inline void check_ok(const Output& r) {
  INFO(r.command);
  CHECK(r.status == kSuccess);
  CHECK(r.err == "");
}

// A failure: its exit code, exactly one line on standard error (this one), nothing on standard
// output.
inline void check_error(const Output& r, int status, const std::string& line) {
  INFO(r.command);
  CHECK(r.status == status);
  CHECK(r.err == line + "\n");
  CHECK(r.out == "");
}

// `note wait` prints its pid first, once its receiver is open; after that line a note posted to it
// is never lost.
inline void require_ready(Child& waiter) {
  INFO(waiter.command());
  REQUIRE(waiter.read_line() == std::to_string(waiter.pid()));
}

}  // namespace integration

#endif  // NOTES_TESTS_INTEGRATION_CHECKS_H
