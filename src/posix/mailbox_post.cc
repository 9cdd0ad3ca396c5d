// Posting a string note: find the target's mailbox, send the note, ring its doorbell.
//
// Looking a target up costs several system calls (its owner, its start time, a pidfd, a socket
// connected to its mailbox), so the last few targets are kept: a post to a known target is one
// send and at most one signal. An entry is dropped when its mailbox or its process is gone, and
// looked up again.
//
// The doorbell is rung only when the target's bell word says it is armed (see bell.h): while
// the target drains, while a doorbell is already on its way, or while one of its threads polls
// the socket, senders leave it, and the target reads their notes anyway. A flood then costs
// about one doorbell per drain, not per note, and a note to a waiting receiver none.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>

#include "posix/bell.h"
#include "posix/config.h"
#include "posix/mailbox.h"
#include "posix/mailbox_dir.h"
#include "posix/process.h"
#include "posix/signals.h"

namespace notes::detail::mailbox {
namespace {

constexpr int kTargets = 8;

struct Target {
  long pid = 0;  // 0: empty
  uid_t owner = 0;
  uint64_t start = 0;
  int pidfd = -1;
  int sock = -1;                          // connected to the target's mailbox
  std::atomic<uint32_t>* bell = nullptr;  // its doorbell word, when it has one
  unsigned last_used = 0;
};

// The cache and the sending socket, under one lock (post is not async-signal-safe).
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
Target targets[kTargets];
unsigned use_clock = 0;
pid_t self_pid = 0;  // for the doorbell's siginfo; 0: not read yet (reset in a forked child)
uid_t self_uid = 0, self_euid = 0;

Status kill_status(long pid, int err) noexcept {
  if (err == ESRCH) return Status(Code::no_such_process, pid);
  if (err == EPERM) return Status(Code::permission_denied, pid);
  return Status(Code::io, pid, err, "kill failed");
}

#if NOTES_HAVE_PIDFD
int pidfd_open(long pid) noexcept {
  return static_cast<int>(syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0));
}
int pidfd_signal(int pidfd, int sig, siginfo_t* info) noexcept {
  return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, info, 0));
}
#endif

void forget(Target& t) noexcept {
  if (t.pidfd >= 0) ::close(t.pidfd);
  if (t.sock >= 0) ::close(t.sock);
  if (t.bell != nullptr) munmap(t.bell, bell::kSize);
  t = Target{};
}

// Maps the doorbell word of the mailbox at `addr`, if it has one owned by `owner`.
std::atomic<uint32_t>* map_bell(const sockaddr_un& addr, uid_t owner) noexcept {
  char path[sizeof addr.sun_path + 8];
  if (!bell_path(path, sizeof path, addr)) return nullptr;
  int fd = ::open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st;
  void* page = MAP_FAILED;
  if (fstat(fd, &st) == 0 && st.st_uid == owner && static_cast<size_t>(st.st_size) >= bell::kSize) {
    page = mmap(nullptr, bell::kSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  }
  ::close(fd);
  return page == MAP_FAILED ? nullptr : static_cast<std::atomic<uint32_t>*>(page);
}

Status send_error(long pid, int err) noexcept {
  switch (err) {
    case ENOENT:
    case ECONNREFUSED:
    case ENOTCONN:
    case ENOTDIR:
    case EPIPE:  // the mailbox is closing
      return Status(Code::not_deliverable, pid);
    case EAGAIN:
    case ENOBUFS: return Status(Code::queue_full, pid);
    case EACCES:
    case EPERM: return Status(Code::permission_denied, pid);
    default: return Status(Code::io, pid, err, "sending to a mailbox failed");
  }
}

// Looks `pid` up from scratch into `t`.
Status look_up(long pid, Target& t) noexcept {
  if (kill(static_cast<pid_t>(pid), 0) != 0) return kill_status(pid, errno);
  uid_t owner;
  if (!process::owner(pid, &owner)) return Status(Code::no_such_process, pid);
  if (self_euid != 0 && owner != self_euid) return Status(Code::permission_denied, pid);
  int pidfd = -1;
#if NOTES_HAVE_PIDFD
  pidfd = pidfd_open(pid);
  if (pidfd < 0) return kill_status(pid, errno);
  fcntl(pidfd, F_SETFD, FD_CLOEXEC);
#endif
  uint64_t start;
  bool alive = process::start_time(pid, &start);
#if NOTES_HAVE_PIDFD
  // Alive after the read, so the start time is this process's: its pid cannot have moved on.
  alive = alive && pidfd_signal(pidfd, 0, nullptr) == 0;
#endif
  t.pidfd = pidfd;  // forget(t) closes what is set here on any failure below
  sockaddr_un addr;
  if (!alive) return Status(Code::no_such_process, pid);
  if (!mailbox_path(addr, owner, pid, start)) {
    return Status(Code::io, pid, 0, "mailbox path too long for a socket address");
  }
  t.sock = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (t.sock < 0) return Status(Code::io, pid, errno, "cannot make a socket to send a note");
  fcntl(t.sock, F_SETFD, FD_CLOEXEC);
#ifdef SO_NOSIGPIPE
  int one = 1;  // a closing mailbox must not raise SIGPIPE where MSG_NOSIGNAL is missing
  setsockopt(t.sock, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  if (connect(t.sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return send_error(pid, errno);
  }
  t.bell = map_bell(addr, owner);
  t.pid = pid;
  t.owner = owner;
  t.start = start;
  return Status();
}

Target* find(long pid) noexcept {
  for (Target& t : targets) {
    if (t.pid == pid) return &t;
  }
  return nullptr;
}

Target& least_recently_used() noexcept {
  Target* lru = &targets[0];
  for (Target& t : targets) {
    if (t.pid == 0) return t;
    if (t.last_used < lru->last_used) lru = &t;
  }
  forget(*lru);
  return *lru;
}

// Rings the doorbell of the process `t` names.
Status ring(Target& t) noexcept {
#if NOTES_HAVE_PIDFD
  siginfo_t info;
  memset(&info, 0, sizeof info);
  info.si_signo = signals::kDoorbell;
  info.si_code = SI_QUEUE;
  info.si_pid = self_pid;
  info.si_uid = self_uid;
  info.si_value.sival_int = signals::kDoorbellTag;
  if (pidfd_signal(t.pidfd, signals::kDoorbell, &info) == 0) return Status();
  if (errno != EBADF) return kill_status(t.pid, errno);
  // The program closed our pidfd behind our back: name the process again.
  int pidfd = pidfd_open(t.pid);
  uint64_t now;
  if (pidfd < 0 || !process::start_time(t.pid, &now) || now != t.start) {
    if (pidfd >= 0) ::close(pidfd);
    t.pidfd = -1;
    return Status(Code::no_such_process, t.pid);
  }
  t.pidfd = pidfd;
  if (pidfd_signal(pidfd, signals::kDoorbell, &info) != 0) return kill_status(t.pid, errno);
#else
  // No pidfd: check the start time again just before the signal.
  uint64_t now;
  if (!process::start_time(t.pid, &now) || now != t.start) {
    return Status(Code::no_such_process, t.pid);
  }
  if (kill(static_cast<pid_t>(t.pid), signals::kDoorbell) != 0) return kill_status(t.pid, errno);
#endif
  return Status();
}

#ifdef MSG_NOSIGNAL
constexpr int kNoSignal = MSG_NOSIGNAL;  // a closing mailbox says EPIPE: no SIGPIPE for that
#else
constexpr int kNoSignal = 0;
#endif

struct Locked {
  Locked() noexcept { pthread_mutex_lock(&lock); }
  ~Locked() { pthread_mutex_unlock(&lock); }
};

// True when this sender must ring: the bell is armed (we disarm it), or there is no bell.
bool must_ring(Target& t) noexcept {
  return t.bell == nullptr || bell::take_ring(*t.bell);
}

}  // namespace

Status post(long pid, const Note& note) noexcept {
  signals::register_fork_handlers();  // before the lock: a fork must not copy it held
  Locked locked;
  if (self_pid == 0) {
    self_pid = getpid();
    self_uid = getuid();
    self_euid = geteuid();
  }
  Target* t = find(pid);
  for (int attempt = 0; attempt < 2; attempt++) {
    const bool cached = t != nullptr;
    if (!cached) {
      t = &least_recently_used();
      if (Status s = look_up(pid, *t); !s.ok()) {
        forget(*t);
        return s;
      }
    }
    t->last_used = ++use_clock;
    if (send(t->sock, note.c_str(), note.size(), MSG_DONTWAIT | kNoSignal) >= 0) {
      if (!must_ring(*t)) return Status();
      Status s = ring(*t);
      if (!s.ok()) forget(*t);
      return s;
    }
    int err = errno;
    // A cached mailbox that is gone: the process may have closed it, left, or its pid moved on
    // to another process; look again before saying so.
    if (cached && (err == ENOENT || err == ECONNREFUSED || err == ENOTCONN || err == EPIPE)) {
      forget(*t);
      t = nullptr;
      continue;
    }
    if (err == EAGAIN || err == ENOBUFS) {
      // Full: make sure the receiver knows, whatever kArmed says (a doorbell can be lost, e.g.
      // when the signal is blocked in every thread until later), unless it reads the socket
      // without one.
      if (t->bell == nullptr || bell::full_needs_ring(*t->bell)) (void)ring(*t);
    } else {
      forget(*t);
    }
    return send_error(pid, err);
  }
  return Status(Code::not_deliverable, pid);
}

void lock_sender() noexcept {
  pthread_mutex_lock(&lock);
}
void unlock_sender() noexcept {
  pthread_mutex_unlock(&lock);
}

void after_fork_child_sender() noexcept {
  self_pid = 0;  // the doorbell's siginfo must name the child now
  pthread_mutex_unlock(&lock);
}

Status post_group(long group, const Note& note) noexcept {
  // Only processes with a mailbox can take a string note, so the mailbox directories list the
  // candidates: this user's, or every user's for root.
  const pid_t self = getpid();
  const uid_t me = geteuid();
  Status first;
  bool any_member = false;
  bool any_mailbox = false;
  DIR* base = opendir(base_dir());
  if (base == nullptr) return Status(Code::io, group, errno, "cannot read the mailbox directory");
  while (dirent* u = readdir(base)) {
    const char* prefix = "notes-";
    if (strncmp(u->d_name, prefix, 6) != 0) continue;
    char path[sizeof(sockaddr_un::sun_path)];
    TextBuffer t(path, sizeof path);
    t.add(base_dir()).add("/").add(u->d_name);
    if (me != 0) {
      char mine[sizeof path];
      TextBuffer m(mine, sizeof mine);
      user_dir(m, me);
      if (strcmp(mine, path) != 0) continue;
    }
    DIR* dir = opendir(path);
    if (dir == nullptr) continue;
    while (dirent* e = readdir(dir)) {
      long pid;
      uint64_t start, now;
      if (!parse_name(e->d_name, &pid, &start) || pid == self) continue;
      if (getpgid(static_cast<pid_t>(pid)) != group) continue;
      if (!process::start_time(pid, &now) || now != start) continue;
      any_mailbox = true;
      Status s = post(pid, note);
      if (!s.ok() && first.ok()) first = s;
    }
    closedir(dir);
  }
  closedir(base);
  if (any_mailbox) return first;
  // No member has a mailbox: say whether the group exists at all.
  process::for_each_in_group(
      group, [](long pid, void* arg) { *static_cast<bool*>(arg) |= pid != getpid(); }, &any_member);
  if (!any_member && killpg(static_cast<pid_t>(group), 0) != 0 && errno == ESRCH) {
    return Status(Code::no_such_process, group);
  }
  return any_member ? Status(Code::not_deliverable, group) : Status();
}

}  // namespace notes::detail::mailbox
