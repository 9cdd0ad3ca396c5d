#include "posix/mailbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>

#include "common/registry.h"
#include "common/text.h"
#include "posix/config.h"
#include "posix/process.h"
#include "posix/signals.h"

namespace notes::detail::mailbox {
namespace {

// --- where mailboxes live ---

// The directory that holds every user's mailbox directory: $NOTES_MAILBOX_DIR, else /tmp. Senders
// and receivers must agree on it.
const char* base_dir() noexcept {
  static const char* const base = [] {
    const char* env = getenv("NOTES_MAILBOX_DIR");
    return env != nullptr && env[0] == '/' ? env : "/tmp";
  }();
  return base;
}

void user_dir(TextBuffer& t, uid_t uid) noexcept {
  t.add(base_dir()).add("/notes-").add(static_cast<int64_t>(uid));
}

bool mailbox_path(sockaddr_un& addr, uid_t uid, long pid, uint64_t start) noexcept {
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  TextBuffer t(addr.sun_path, sizeof addr.sun_path);
  user_dir(t, uid);
  t.add("/").add(static_cast<int64_t>(pid)).add(".").add_unsigned(start);
  return t.wanted() < sizeof addr.sun_path;
}

// Parses "<pid>.<start>"; false for any other name.
bool parse_name(const char* name, long* pid, uint64_t* start) noexcept {
  long p = 0;
  uint64_t s = 0;
  const char* c = name;
  if (*c < '1' || *c > '9') return false;
  for (; *c >= '0' && *c <= '9'; c++) p = p * 10 + (*c - '0');
  if (*c++ != '.' || *c < '0' || *c > '9') return false;
  for (; *c >= '0' && *c <= '9'; c++) s = s * 10 + static_cast<uint64_t>(*c - '0');
  if (*c != '\0') return false;
  *pid = p;
  *start = s;
  return true;
}

// --- this process's mailbox (fields change under the registry lock) ---

std::atomic<int> mailbox_fd{-1};
pid_t owner_pid = 0;  // the process the open mailbox belongs to
sockaddr_un own_addr;
char error_text[256];  // the last open() failure, for Status::what (registry lock)

// Drain state (note context).
std::atomic<bool> busy{false};
std::atomic<bool> again{false};
std::atomic<bool> stalled{false};
Note held;  // read but not yet delivered; owned by whoever holds `busy`
bool has_held = false;

Status fail(const char* what, const char* detail, int err) noexcept {
  TextBuffer t(error_text, sizeof error_text);
  t.add(what);
  if (detail != nullptr) t.add(" ").add(detail);
  return Status(Code::io, 0, err, error_text);
}

// Makes (or checks) this user's directory: ours, a directory and not a link, mode 0700.
Status ensure_user_dir(char* path, size_t size) noexcept {
  TextBuffer t(path, size);
  user_dir(t, geteuid());
  if (t.wanted() >= size) return fail("mailbox directory name too long:", path, 0);
  if (mkdir(path, 0700) != 0 && errno != EEXIST) {
    return fail("cannot make mailbox directory", path, errno);
  }
  int fd = ::open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    return fail("mailbox directory is not a directory of its own (a link?):", path, errno);
  }
  struct stat st;
  int r = fstat(fd, &st);
  ::close(fd);
  if (r != 0) return fail("cannot stat mailbox directory", path, errno);
  if (st.st_uid != geteuid()) {
    return fail("mailbox directory belongs to another user, refusing it:", path, 0);
  }
  if ((st.st_mode & 077) != 0) {
    return fail("mailbox directory is open to other users (mode is not 0700), refusing it:", path,
                0);
  }
  return Status();
}

// Removes mailboxes of processes that are gone (killed before they could remove their own).
void remove_stale(const char* dir_path) noexcept {
  DIR* dir = opendir(dir_path);
  if (dir == nullptr) return;
  while (dirent* e = readdir(dir)) {
    long pid;
    uint64_t start, now;
    if (!parse_name(e->d_name, &pid, &start)) continue;
    if (process::start_time(pid, &now) && now == start) continue;
    unlinkat(dirfd(dir), e->d_name, 0);
  }
  closedir(dir);
}

void remove_at_exit() {
  if (mailbox_fd.load() >= 0 && owner_pid == getpid()) unlink(own_addr.sun_path);
}

Status bind_mailbox() noexcept {
  char dir[sizeof own_addr.sun_path];
  if (Status s = ensure_user_dir(dir, sizeof dir); !s.ok()) return s;
  remove_stale(dir);
  pid_t pid = getpid();
  uint64_t start;
  if (!process::start_time(pid, &start)) return fail("cannot read own start time", nullptr, errno);
  sockaddr_un addr;
  if (!mailbox_path(addr, geteuid(), pid, start)) return fail("mailbox path too long", dir, 0);
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0) return fail("cannot make mailbox socket", nullptr, errno);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
#if NOTES_HAVE_SCM_CREDENTIALS
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
#endif
  unlink(addr.sun_path);  // ours by name: left by an exec'd image of this same process
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    ::close(fd);
    return fail("cannot bind mailbox", addr.sun_path, err);
  }
  own_addr = addr;
  owner_pid = pid;
  mailbox_fd.store(fd);
  return Status();
}

void unbind_mailbox(bool remove_file) noexcept {
  int fd = mailbox_fd.exchange(-1);
  // Wait for a drain that is reading the socket right now.
  while (busy.load()) backend::yield();
  if (fd >= 0) {
    if (remove_file) unlink(own_addr.sun_path);
    ::close(fd);
  }
  if (has_held) {
    registry::count_unhandled();
    has_held = false;
  }
  stalled.store(false);
}

// Hands one note to the registry. False when a receiver that wants it has no room.
bool deliver(const Note& note) noexcept {
  if (!registry::wanted(note, kMailbox)) {
    registry::count_unhandled();
    return true;
  }
  if (!registry::has_room(note, kMailbox)) return false;
  registry::dispatch(note, kMailbox);
  return true;
}

void drain_once() noexcept {
  int fd = mailbox_fd.load();
  if (fd < 0 || owner_pid != getpid()) return;  // never read a parent's mailbox
  if (has_held) {
    if (!deliver(held)) return;
    has_held = false;
    stalled.store(false);
  }
  for (;;) {
    char buf[Note::max_size + 1];
    iovec iov{buf, sizeof buf};
    msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
#if NOTES_HAVE_SCM_CREDENTIALS
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
#endif
    ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // EAGAIN: empty
    }
    registry::count_caught();
#if NOTES_HAVE_SCM_CREDENTIALS
    bool allowed = false;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
        ucred cred;
        memcpy(&cred, CMSG_DATA(c), sizeof cred);
        allowed = cred.uid == geteuid() || cred.uid == 0;
      }
    }
#else
    bool allowed = true;  // the 0700 directory admits only this user and root
#endif
    Result<Note> note = Note::make(std::string_view(buf, static_cast<size_t>(n)));
    if (!allowed || !note || (msg.msg_flags & MSG_TRUNC)) {
      registry::count_refused();
      continue;
    }
    if (!deliver(*note)) {
      held = *note;
      has_held = true;
      stalled.store(true);
      return;
    }
  }
}

// --- sending ---

std::atomic<int> sender_fd{-1};

int sender_socket() noexcept {
  int fd = sender_fd.load();
  if (fd >= 0) return fd;
  fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0) return -1;
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  int expected = -1;
  if (!sender_fd.compare_exchange_strong(expected, fd)) {
    ::close(fd);
    return expected;
  }
  return fd;
}

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

// Rings the doorbell of the process that `pidfd` (or pid with start time `start`) names.
Status ring_doorbell(long pid, [[maybe_unused]] int pidfd,
                     [[maybe_unused]] uint64_t start) noexcept {
#if NOTES_HAVE_PIDFD
  siginfo_t info;
  memset(&info, 0, sizeof info);
  info.si_signo = signals::kDoorbell;
  info.si_code = SI_QUEUE;
  info.si_pid = getpid();
  info.si_uid = getuid();
  info.si_value.sival_int = signals::kDoorbellTag;
  if (pidfd_signal(pidfd, signals::kDoorbell, &info) != 0) return kill_status(pid, errno);
#else
  // No pidfd: check the start time again just before the signal.
  uint64_t now;
  if (!process::start_time(pid, &now) || now != start) return Status(Code::no_such_process, pid);
  if (kill(static_cast<pid_t>(pid), signals::kDoorbell) != 0) return kill_status(pid, errno);
#endif
  return Status();
}

}  // namespace

Status open() noexcept {
  if (Status s = signals::install(signals::kDoorbell, false); !s.ok()) return s;
  if (Status s = bind_mailbox(); !s.ok()) {
    signals::uninstall(signals::kDoorbell, false);
    return s;
  }
  static bool at_exit_registered = false;
  if (!at_exit_registered) {
    atexit(remove_at_exit);
    at_exit_registered = true;
  }
  // Datagrams may have arrived between bind and now without a doorbell we could see.
  drain();
  return Status();
}

void close() noexcept {
  unbind_mailbox(true);
  signals::uninstall(signals::kDoorbell, false);
}

void drain() noexcept {
  if (busy.exchange(true)) {
    again.store(true);
    return;
  }
  for (;;) {
    again.store(false);
    drain_once();
    busy.store(false);
    // A doorbell that came while we were busy: go round again if nobody else took over.
    if (!again.load() || busy.exchange(true)) return;
  }
}

void resume() noexcept {
  if (stalled.load()) drain();
}

bool is_doorbell(const siginfo_t* info) noexcept {
#if NOTES_HAVE_SIGQUEUE
  return info != nullptr && info->si_code == SI_QUEUE &&
         info->si_value.sival_int == signals::kDoorbellTag;
#else
  (void)info;
  return true;  // SIGURG is the doorbell and nothing else when it cannot be tagged
#endif
}

void after_fork_child(bool watched) noexcept {
  // The descriptor is the parent's: close our copy, leave the parent's file alone.
  int fd = mailbox_fd.exchange(-1);
  if (fd >= 0) ::close(fd);
  busy.store(false);
  again.store(false);
  stalled.store(false);
  has_held = false;
  if (watched) (void)bind_mailbox();
}

Status post(long pid, const Note& note) noexcept {
  if (kill(static_cast<pid_t>(pid), 0) != 0) return kill_status(pid, errno);
  uid_t target_uid;
  if (!process::owner(pid, &target_uid)) return Status(Code::no_such_process, pid);
  if (geteuid() != 0 && target_uid != geteuid()) return Status(Code::permission_denied, pid);
  int pidfd = -1;
#if NOTES_HAVE_PIDFD
  pidfd = pidfd_open(pid);
  if (pidfd < 0) return kill_status(pid, errno);
#endif
  struct Closer {
    int fd;
    ~Closer() {
      if (fd >= 0) ::close(fd);
    }
  } closer{pidfd};
  uint64_t start;
  if (!process::start_time(pid, &start)) return Status(Code::no_such_process, pid);
#if NOTES_HAVE_PIDFD
  // Alive now, so the start time read above is this process's (its pid cannot have moved on).
  if (pidfd_signal(pidfd, 0, nullptr) != 0) return kill_status(pid, errno);
#endif
  sockaddr_un addr;
  if (!mailbox_path(addr, target_uid, pid, start)) {
    return Status(Code::io, pid, 0, "mailbox path too long");
  }
  int fd = sender_socket();
  if (fd < 0) return Status(Code::io, pid, errno, "cannot make a socket to send a note");
  ssize_t n = sendto(fd, note.c_str(), note.size(), MSG_DONTWAIT,
                     reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  if (n < 0) {
    switch (errno) {
      case ENOENT:
      case ECONNREFUSED:
      case ENOTDIR:
        return Status(Code::not_deliverable, pid);
      case EAGAIN:
      case ENOBUFS:
        return Status(Code::queue_full, pid);
      case EACCES:
      case EPERM:
        return Status(Code::permission_denied, pid);
      default:
        return Status(Code::io, pid, errno, "sending to a mailbox failed");
    }
  }
  return ring_doorbell(pid, pidfd, start);
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
      group, [](long pid, void* arg) { *static_cast<bool*>(arg) |= pid != getpid(); },
      &any_member);
  if (!any_member && killpg(static_cast<pid_t>(group), 0) != 0 && errno == ESRCH) {
    return Status(Code::no_such_process, group);
  }
  return any_member ? Status(Code::not_deliverable, group) : Status();
}

}  // namespace notes::detail::mailbox
