#include "integration/child.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <utility>

extern char** environ;  // POSIX defines it, but not every system declares it in a header

namespace integration {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// Close-on-exec, so that only the child's own standard output and error stay open in it. (The
// tests are one thread, so no other fork can slip in between pipe and fcntl; pipe2 is not
// everywhere.)
bool make_pipe(int fds[2]) {
  if (pipe(fds) != 0) return false;
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  return true;
}

// In the forked child, before exec: only async-signal-safe calls. A failure exits with 127, as
// a shell does for a command it could not run.
[[noreturn]] void become(const std::vector<char*>& argv, const std::vector<char*>& envp,
                         const SpawnOptions& options, int out, int err) {
  int in = open("/dev/null", O_RDONLY);
  if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
  // The test runner may have blocked or ignored signals; the program must start as from a shell.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, nullptr);
  }
  if (options.process_group && setpgid(0, *options.process_group) != 0) _exit(127);
  if (options.gid && (setgroups(0, nullptr) != 0 || setgid(*options.gid) != 0)) _exit(127);
  if (options.uid && setuid(*options.uid) != 0) _exit(127);
  execve(argv[0], argv.data(), envp.data());
  _exit(127);
}

int exit_status(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return kNoExit;
}

// Polling waitpid is the portable way to wait for a child with a time limit.
void pause_briefly() {
  timespec ts{0, 2'000'000};
  nanosleep(&ts, nullptr);
}

}  // namespace

Child::Child(std::vector<std::string> argv, SpawnOptions options) {
  for (const std::string& a : argv) command_ += (command_.empty() ? "" : " ") + a;
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  // Built before fork: the child may only make async-signal-safe calls.
  std::vector<std::string> env = options.env;
  for (char** e = environ; *e != nullptr; e++) {
    std::string_view entry = *e;
    std::string_view name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const std::string& mine : options.env) replaced |= mine.starts_with(name);
    if (!replaced) env.emplace_back(entry);
  }
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out[2], err[2];
  if (!make_pipe(out)) fail("pipe");
  if (!make_pipe(err)) {
    close(out[0]);
    close(out[1]);
    fail("pipe");
  }
  pid_ = fork();
  if (pid_ == 0) become(args, envp, options, out[1], err[1]);
  int fork_errno = errno;
  close(out[1]);
  close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
  if (pid_ < 0) {
    close_fd(out_fd_);
    close_fd(err_fd_);
    errno = fork_errno;
    fail("fork");
  }
}

Child::~Child() {
  if (pid_ > 0 && !status_) {
    kill(pid_, SIGKILL);
    reaped(0);
  }
  close_fd(out_fd_);
  close_fd(err_fd_);
}

bool Child::fill(int& fd, std::string& buf, Clock::time_point deadline) {
  if (fd < 0) return false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close_fd(fd);
      return false;
    }
    buf.append(chunk, static_cast<size_t>(n));
    return true;
  }
}

std::string Child::read_line() {
  const Clock::time_point deadline = Clock::now() + kPatience;
  for (;;) {
    if (size_t nl = out_.find('\n'); nl != std::string::npos) {
      std::string line = out_.substr(0, nl);
      out_.erase(0, nl + 1);
      return line;
    }
    if (!fill(out_fd_, out_, deadline)) {
      if (out_fd_ >= 0) return "<no line within " + std::to_string(kPatience.count()) + " s>";
      if (!out_.empty()) return std::exchange(out_, {}) + "<end of output without a newline>";
      return "<end of output>";
    }
  }
}

std::string Child::rest_of_output() {
  read_to_end();
  return std::exchange(out_, {});
}

std::string Child::error_output() {
  read_to_end();
  return err_;
}

void Child::read_to_end() {
  // Both pipes at once, so a program blocked writing one is never waited on through the other.
  const Clock::time_point deadline = Clock::now() + kPatience;
  while (out_fd_ >= 0 || err_fd_ >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return;
    pollfd p[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};  // poll skips a closed (-1) one
    int r = poll(p, 2, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return;
    int* fds[2] = {&out_fd_, &err_fd_};
    std::string* bufs[2] = {&out_, &err_};
    for (int i = 0; i < 2; i++) {
      if (p[i].revents == 0) continue;
      char chunk[4096];
      ssize_t n = read(*fds[i], chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close_fd(*fds[i]);
      } else {
        bufs[i]->append(chunk, static_cast<size_t>(n));
      }
    }
  }
}

bool Child::reaped(int flags) {
  if (status_) return true;
  int wstatus;
  pid_t r;
  do {
    r = waitpid(pid_, &wstatus, flags);
  } while (r < 0 && errno == EINTR);
  if (r != pid_) return false;
  status_ = exit_status(wstatus);
  return true;
}

int Child::wait() {
  const Clock::time_point deadline = Clock::now() + kPatience;
  while (!reaped(WNOHANG)) {
    if (Clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      reaped(0);
      status_ = kNoExit;
      break;
    }
    pause_briefly();
  }
  return *status_;
}

bool Child::wait_stopped() {
  const Clock::time_point deadline = Clock::now() + kPatience;
  while (Clock::now() < deadline) {
    if (status_) return false;
    int wstatus;
    pid_t r = waitpid(pid_, &wstatus, WNOHANG | WUNTRACED);
    if (r == pid_ && WIFSTOPPED(wstatus)) return true;
    if (r == pid_) {
      status_ = exit_status(wstatus);
      return false;
    }
    pause_briefly();
  }
  return false;
}

bool Child::running() {
  return !reaped(WNOHANG);
}

Output run(std::vector<std::string> argv, SpawnOptions options) {
  Child child(std::move(argv), options);
  Output o;
  o.command = child.command();
  o.out = child.rest_of_output();
  o.err = child.error_output();
  o.status = child.wait();
  return o;
}

Output note(std::vector<std::string> args, SpawnOptions options) {
  args.insert(args.begin(), kNote);
  return run(std::move(args), options);
}

}  // namespace integration
