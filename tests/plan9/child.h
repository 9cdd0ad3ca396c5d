// Runs this test program again as a child process (rfork + exec of argv[0]) with one argument
// naming a mode, collects what it writes to fd 1 through a pipe, and returns its wait message.
// Lets a test check what only shows at exit: exit strings, destructors, atexit handlers.
#pragma once

#include "plan9.h"

namespace p9test {

struct ChildResult {
  bool ran = false;
  char output[1024] = {};
  char wait_msg[2 * plan9::kErrMax] = {};  // "pid utime stime rtime 'msg'"
  char status[plan9::kErrMax] = {};        // msg unquoted: "" or "<prog> <pid>: <exit string>"
};

inline ChildResult run_child(const char* self, const char* mode) {
  ChildResult r;
  int fd[2];
  if (plan9::pipe(fd) < 0) return r;
  const int pid = plan9::rfork(plan9::RFPROC | plan9::RFFDG);
  if (pid < 0) return r;
  if (pid == 0) {
    plan9::dup(fd[1], 1);
    plan9::close(fd[0]);
    plan9::close(fd[1]);
    const char* argv[] = {self, mode, nullptr};
    plan9::exec(self, argv);
    plan9::_exits("exec failed");
  }
  plan9::close(fd[1]);
  std::size_t len = 0;
  for (;;) {
    const long n = plan9::read(fd[0], r.output + len, static_cast<long>(sizeof r.output - 1 - len));
    if (n <= 0) break;
    len += static_cast<std::size_t>(n);
  }
  r.output[len] = 0;
  plan9::close(fd[0]);
  const int n = plan9::await(r.wait_msg, sizeof r.wait_msg - 1);
  if (n < 0) return r;
  r.wait_msg[n] = 0;
  int child = 0;
  plan9::parse_wait(r.wait_msg, &child, r.status, sizeof r.status);
  r.ran = true;
  return r;
}

}  // namespace p9test
