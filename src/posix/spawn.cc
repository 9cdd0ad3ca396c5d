#include "posix/spawn.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <vector>

extern char** environ;

namespace notes::detail {

Result<Spawned> spawn_member(const MemberSpec& spec) noexcept {
  std::vector<char*> argv, envp;
  try {
    for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const std::string& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
  } catch (...) {
    return Status(Code::io, 0, ENOMEM, "out of memory preparing a member");
  }

  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_init(&actions);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  if (!spec.dir.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.dir.c_str());

  Spawned s;
  int err = posix_spawnp(&s.pid, argv[0], &actions, &attr, argv.data(),
                         spec.env.empty() ? environ : envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (err == EAGAIN || err == ENOMEM) return Status(Code::io, 0, err, "cannot start a process");
  if (err != 0) {
    s.pid = -1;
    s.exec_errno = err;
    return s;
  }
  setpgid(s.pid, s.pid);  // EACCES once it has exec'd: the child already did it
  return s;
}

}  // namespace notes::detail
