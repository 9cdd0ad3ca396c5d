#include "posix/guard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/syscall.h>
#endif

namespace notes::detail {
namespace {

constexpr int32_t kDisarm = 0;
constexpr int kMaxGroups = 65536;

void close_all_but(int keep) {
  for (int fd = 0; fd < 1024; fd++) {
    if (fd != keep) close(fd);
  }
#ifdef SYS_close_range
  syscall(SYS_close_range, 1024u, ~0u, 0u);
#endif
}

[[noreturn]] void guard_main(int in) {
  // Out of the supervisor's group, so a Ctrl-C meant for the supervisor does not end the guard.
  setpgid(0, 0);
  for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU}) {
    signal(sig, SIG_IGN);
  }
  close_all_but(in);
  static pid_t groups[kMaxGroups];
  int n = 0;
  for (;;) {
    int32_t group;
    ssize_t r = read(in, &group, sizeof group);
    if (r < 0 && errno == EINTR) continue;
    if (r != sizeof group) break;  // end of file: the supervisor is gone
    if (group == kDisarm) _exit(0);
    if (n < kMaxGroups) groups[n++] = group;
  }
  for (int i = 0; i < n; i++) killpg(groups[i], SIGKILL);
  _exit(0);
}

}  // namespace

Status Guard::start() noexcept {
  if (pid_ > 0) return Status();
  int fds[2];
  if (pipe(fds) != 0) return Status(Code::io, 0, errno, "cannot make the guard's pipe");
  fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    return Status(Code::io, 0, err, "cannot fork the guard process");
  }
  if (pid == 0) guard_main(fds[0]);
  close(fds[0]);
  pid_ = pid;
  pipe_ = fds[1];
  return Status();
}

void Guard::watch(pid_t group) noexcept {
  if (pipe_ < 0) return;
  int32_t g = group;
  ssize_t w = write(pipe_, &g, sizeof g);
  (void)w;
}

void Guard::disarm() noexcept {
  if (pipe_ >= 0) {
    int32_t word = kDisarm;
    ssize_t w = write(pipe_, &word, sizeof word);
    (void)w;
    close(pipe_);
    pipe_ = -1;
  }
  if (pid_ > 0) {
    int st;
    while (waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
}

void Guard::lost() noexcept {
  if (pipe_ >= 0) close(pipe_);
  pipe_ = -1;
  pid_ = -1;
}

}  // namespace notes::detail
