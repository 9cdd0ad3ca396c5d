#include "support/child.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <string>

namespace notes_test {
namespace {

std::map<std::string, Scenario>& scenarios() {
  static std::map<std::string, Scenario> m;
  return m;
}

std::string self_exe() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

}  // namespace

bool register_scenario(const char* name, Scenario fn) {
  scenarios()[name] = fn;
  return true;
}

void run_scenario_if_asked() {
  const char* name = getenv("NOTES_TEST_SCENARIO");
  if (name == nullptr) return;
  auto it = scenarios().find(name);
  if (it == scenarios().end()) {
    fprintf(stderr, "no such scenario: %s\n", name);
    _exit(127);
  }
  int code = it->second();
  fflush(stdout);
  fflush(stderr);
  _exit(code);
}

bool wait_child(int pid, int* status, int seconds) {
  for (int i = 0; i < seconds * 100; i++) {
    int r = waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    if (r < 0) return false;
    usleep(10000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, status, 0);
  return false;
}

Outcome run_scenario(const char* scenario, const std::function<void()>& before_exec) {
  Outcome out;
  std::string exe = self_exe();
  int fds[2];
  if (pipe(fds) != 0) return out;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    if (before_exec) before_exec();
    setenv("NOTES_TEST_SCENARIO", scenario, 1);
    execl(exe.c_str(), exe.c_str(), static_cast<char*>(nullptr));
    _exit(126);
  }
  close(fds[1]);
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.output.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  if (!wait_child(pid, &status)) {
    out.output += "\n(child did not end in time)";
    return out;
  }
  if (WIFEXITED(status)) {
    out.exited = true;
    out.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    out.signaled = true;
    out.signal = WTERMSIG(status);
  }
  return out;
}

}  // namespace notes_test
