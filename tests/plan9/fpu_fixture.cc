// Not a test program: an ELF with floating point two direct calls below fixture_root, on which
// the plan9.no-fp.detects test shows that check-no-fp finds x87 and SSE code and names the path.
#include "plan9.h"

int main(int argc, char** argv);

namespace {

__attribute__((noinline)) double scale(double x) {
  return x * 1.5;
}
__attribute__((noinline)) long double widen(long double x) {
  return x * 2;
}
__attribute__((noinline)) int uses_fpu(int v) {
  return static_cast<int>(scale(v) + static_cast<double>(widen(v)));
}

}  // namespace

extern "C" __attribute__((noinline)) int fixture_root(int v);
extern "C" int fixture_root(int v) {
  return uses_fpu(v) + 1;
}

int main(int argc, char**) {
  return fixture_root(argc);
}
