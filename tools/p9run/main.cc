// p9run: run a Plan 9 amd64 a.out on Linux, trapping its system calls with Syscall User
// Dispatch and giving it the note semantics of the 9front kernel.
//
//   p9run [-d] [-b plan9=host]... program [arg...]
//
// Exit status: 0 when the program's exit string is empty, 1 otherwise (the string is printed on
// standard error), 2 when p9run cannot start it (usage, not a Plan 9 amd64 a.out, ...).
#include <unistd.h>

#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "supervisor.h"

namespace {

int usage(std::string_view why) {
  const auto msg =
      fmt::format("p9run: {} (usage: p9run [-d] [-b plan9=host]... program [arg...])\n", why);
  if (write(2, msg.data(), msg.size()) < 0) {
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  p9run::Options opt;
  int i = 1;
  for (; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.empty() || a[0] != '-') break;
    if (a == "-d") {
      opt.debug = true;
    } else if (a == "-b") {
      if (i + 1 >= argc) return usage("-b needs plan9=host");
      const std::string_view b = argv[++i];
      const size_t eq = b.find('=');
      if (eq == 0 || eq == std::string_view::npos || b[0] != '/' || eq + 1 == b.size())
        return usage(fmt::format("bad bind '{}': want /plan9/name=/host/name", b));
      opt.binds.emplace_back(std::string(b.substr(0, eq)), std::string(b.substr(eq + 1)));
    } else if (a == "-h" || a == "--help") {
      return usage("help");
    } else {
      return usage(fmt::format("unknown option {}", a));
    }
  }
  if (i >= argc) return usage("no program");
  opt.program = argv[i];
  for (; i < argc; ++i) opt.args.emplace_back(argv[i]);
  return p9run::run_session(opt);
}
