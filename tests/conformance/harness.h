// The conformance suite's test macros. On POSIX they are doctest's; the Plan 9 build supplies a
// freestanding harness with the same names (TEST_CASE, CHECK, CHECK_EQ, REQUIRE) that prints
// "N passed, N failed". Conformance tests use nothing else, and only the public API.
#ifndef NOTES_TESTS_CONFORMANCE_HARNESS_H
#define NOTES_TESTS_CONFORMANCE_HARNESS_H

#if __STDC_HOSTED__
#include <doctest/doctest.h>
#else
#include "conformance/freestanding_harness.h"
#endif

#endif
