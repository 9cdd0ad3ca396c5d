// Exit strings: what the parent's wait message says for each way a program can end. Runs
// itself as a child in each mode (child.h).
#include <initializer_list>
#include <optional>
#include <vector>

#include "check.h"
#include "child.h"

namespace {

void child(const char* mode) {
  if (p9test::equal(mode, "return0")) plan9::exit(0);
  if (p9test::equal(mode, "return3")) plan9::exit(3);
  if (p9test::equal(mode, "exit-negative")) plan9::exit(-7);
  if (p9test::equal(mode, "exits")) plan9::exits("custom failure");
  if (p9test::equal(mode, "exits-empty")) plan9::exits("");
  if (p9test::equal(mode, "raw")) plan9::_exits("raw exit");
  if (p9test::equal(mode, "out-of-range")) {  // libstdc++ calls std::__throw_out_of_range_fmt
    std::vector<int> v(3);
    plan9::print("%d\n", v.at(static_cast<std::size_t>(plan9::getpid())));
  }
  if (p9test::equal(mode, "abort")) {  // libstdc++ calls abort() under -fno-exceptions
    std::optional<int> none;
    plan9::print("%d\n", none.value());
  }
  plan9::_exits("unknown mode");
}

// The exit string part of a wait message: "" or "<prog> <pid>: <string>".
bool exited_with(const p9test::ChildResult& r, const char* string) {
  if (string[0] == 0) return r.status[0] == 0;
  char want[plan9::kErrMax];
  plan9::snprint(want, sizeof want, ": %s", string);
  return p9test::ends_with(r.status, want);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 && p9test::equal(argv[1], "return")) return argv[2][0] - '0';
  if (argc > 1) child(argv[1]);

  struct Case {
    const char* args;
    const char* want;
  };
  const char* self = argv[0];
  for (const auto& c :
       {Case{"return0", ""}, Case{"return3", "3"}, Case{"exit-negative", "-7"},
        Case{"exits", "custom failure"}, Case{"exits-empty", ""}, Case{"raw", "raw exit"},
        Case{"out-of-range", "out_of_range"}, Case{"abort", "abort"}}) {
    const p9test::ChildResult r = p9test::run_child(self, c.args);
    plan9::print("%s: wait message %s\n", c.args, r.wait_msg);
    CHECK(r.ran);
    CHECK(exited_with(r, c.want));
  }

  // main's return value itself (through _start): run `self return N`.
  for (const char* n : {"0", "5"}) {
    const int pid = plan9::rfork(plan9::RFPROC | plan9::RFFDG);
    if (pid == 0) {
      const char* args[] = {self, "return", n, nullptr};
      plan9::exec(self, args);
      plan9::_exits("exec failed");
    }
    CHECK(pid > 0);
    char msg[256];
    const int len = plan9::await(msg, sizeof msg - 1);
    CHECK(len > 0);
    msg[len > 0 ? len : 0] = 0;
    plan9::print("return %s: wait message %s\n", n, msg);
    CHECK(n[0] == '0' ? p9test::ends_with(msg, " ''") : p9test::ends_with(msg, ": 5'"));
  }
  return p9test::summary();
}
