// The smallest Plan 9 program of the project: prints its arguments and pid and exits with an
// empty exit string (main returns 0). Shows that start-up hands over argc/argv and Tos.
#include "check.h"

int main(int argc, char** argv) {
  plan9::print("hello from Plan 9, pid %d\n", plan9::getpid());
  for (int i = 0; i < argc; i++) plan9::print("argv[%d] = %s\n", i, argv[i]);
  CHECK(argc >= 1);
  CHECK(argv[argc] == nullptr);
  CHECK(plan9::argv0 == argv[0]);
  CHECK(plan9::getpid() > 0);
  return p9test::summary();
}
