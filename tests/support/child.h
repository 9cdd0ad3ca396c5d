// Re-running the test binary as a child, for what must be seen from outside a process: that it
// died of a signal, or survived one it ignored. A scenario is a function registered by name;
// main() runs it instead of the tests when NOTES_TEST_SCENARIO names it (Go's os/signal tests
// do the same).
#ifndef NOTES_TESTS_SUPPORT_CHILD_H
#define NOTES_TESTS_SUPPORT_CHILD_H

#include <functional>
#include <string>

namespace notes_test {

using Scenario = int (*)();

// Registers `fn` under `name`; use NOTES_SCENARIO.
bool register_scenario(const char* name, Scenario fn);
// If NOTES_TEST_SCENARIO is set, runs that scenario and exits with its result.
void run_scenario_if_asked();

struct Outcome {
  bool exited = false;  // exited normally, with `code`
  int code = -1;
  bool signaled = false;  // died of `signal`
  int signal = 0;
  std::string output;  // what it wrote on stdout and stderr
};

// Runs this binary's `scenario` in a child and waits for it. `before_exec` runs in the child
// after fork (e.g. to ignore a signal that the scenario must inherit).
Outcome run_scenario(const char* scenario, const std::function<void()>& before_exec = {});

// Waits for any child `pid` with a generous limit; false if it did not end in time.
bool wait_child(int pid, int* status, int seconds = 60);

}  // namespace notes_test

// In a doctest case: runs `scenario` in a child and checks that it exited with 0, showing what
// it wrote when it did not.
#define NOTES_CHECK_SCENARIO(scenario)                                               \
  do {                                                                               \
    const notes_test::Outcome scenario_outcome = notes_test::run_scenario(scenario); \
    CAPTURE(scenario_outcome.output);                                                \
    CHECK(scenario_outcome.exited);                                                  \
    CHECK(scenario_outcome.code == 0);                                               \
  } while (0)

#define NOTES_SCENARIO(name)                                 \
  static int scenario_##name();                              \
  static const bool scenario_registered_##name =             \
      notes_test::register_scenario(#name, scenario_##name); \
  static int scenario_##name()

#endif
