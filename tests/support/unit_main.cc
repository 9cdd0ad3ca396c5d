// The unit tests' main: a scenario for a re-run child, or the doctest suite.
#define DOCTEST_CONFIG_NO_POSIX_SIGNALS
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "support/child.h"

int main(int argc, char** argv) {
  notes_test::run_scenario_if_asked();
  return doctest::Context(argc, argv).run();
}
