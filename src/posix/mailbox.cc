// This process's mailbox: binding it, draining it in note context, and giving it up.
#include "posix/mailbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include "common/registry.h"
#include "posix/config.h"
#include "posix/mailbox_dir.h"
#include "posix/process.h"
#include "posix/signals.h"

namespace notes::detail::mailbox {
namespace {

// Datagrams taken from the socket in one call; those the receivers have no room for yet wait in
// `held` (never dropped), and the socket keeps the rest, so its senders see queue_full.
constexpr int kBatch = 16;

// --- the open mailbox (fields change under the registry lock) ---
std::atomic<int> mailbox_fd{-1};
pid_t owner_pid = 0;  // the process the open mailbox belongs to
uid_t owner_uid = 0;  // its effective uid, for the credential check
sockaddr_un own_addr;

// --- drain state: owned by whoever holds `busy` ---
std::atomic<bool> busy{false};
std::atomic<bool> again{false};
std::atomic<bool> stalled{false};
Note held[kBatch];
int held_first = 0, held_count = 0;

void remove_at_exit() {
  if (mailbox_fd.load() >= 0 && owner_pid == getpid()) unlink(own_addr.sun_path);
}

Status bind_mailbox() noexcept {
  char dir[sizeof own_addr.sun_path];
  if (Status s = ensure_user_dir(dir, sizeof dir); !s.ok()) return s;
  remove_stale(dir);
  pid_t pid = getpid();
  uint64_t start;
  if (!process::start_time(pid, &start)) {
    return Status(Code::io, 0, errno, "cannot read this process's start time");
  }
  sockaddr_un addr;
  if (!mailbox_path(addr, geteuid(), pid, start)) {
    return Status(Code::io, 0, 0, "mailbox path too long for a socket address");
  }
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0) return Status(Code::io, 0, errno, "cannot make the mailbox socket");
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
    return Status(Code::io, 0, err, "cannot bind the mailbox socket");
  }
  own_addr = addr;
  owner_pid = pid;
  owner_uid = geteuid();
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
  for (int i = 0; i < held_count; i++) registry::count_unhandled();
  held_count = 0;
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

// Delivers held notes in order; false while the first still finds no room.
bool deliver_held() noexcept {
  while (held_count > 0) {
    if (!deliver(held[held_first])) return false;
    held_first = (held_first + 1) % kBatch;
    held_count--;
  }
  stalled.store(false);
  return true;
}

// One datagram as it came off the socket: a note if it is one, from a sender allowed to post.
struct Datagram {
  char text[Note::max_size + 1];
  msghdr msg;
  iovec iov;
#if NOTES_HAVE_SCM_CREDENTIALS
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
#endif
  void prepare() noexcept {
    iov = {text, sizeof text};
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
#if NOTES_HAVE_SCM_CREDENTIALS
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
#endif
  }
  bool allowed() noexcept {
#if NOTES_HAVE_SCM_CREDENTIALS
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
        ucred cred;
        memcpy(&cred, CMSG_DATA(c), sizeof cred);
        return cred.uid == owner_uid || cred.uid == 0;
      }
    }
    return false;
#else
    return true;  // the 0700 directory admits only this user and root
#endif
  }
};

// Reads up to kBatch datagrams; returns how many (0 when the socket is empty).
int receive_batch(int fd, Datagram* d) noexcept {
#if NOTES_HAVE_SCM_CREDENTIALS
  mmsghdr m[kBatch];
  for (int i = 0; i < kBatch; i++) {
    d[i].prepare();
    m[i].msg_hdr = d[i].msg;
    m[i].msg_len = 0;
  }
  int n;
  do {
    n = recvmmsg(fd, m, kBatch, MSG_DONTWAIT, nullptr);
  } while (n < 0 && errno == EINTR);
  for (int i = 0; i < n; i++) {
    d[i].msg = m[i].msg_hdr;
    d[i].iov.iov_len = m[i].msg_len;
  }
  return n < 0 ? 0 : n;
#else
  int n = 0;
  while (n < kBatch) {
    d[n].prepare();
    ssize_t len = recvmsg(fd, &d[n].msg, MSG_DONTWAIT);
    if (len < 0) {
      if (errno == EINTR) continue;
      break;
    }
    d[n].iov.iov_len = static_cast<size_t>(len);
    n++;
  }
  return n;
#endif
}

void drain_once() noexcept {
  int fd = mailbox_fd.load();
  if (fd < 0 || owner_pid != getpid()) return;  // never read a parent's mailbox
  if (!deliver_held()) return;
  Datagram batch[kBatch];
  for (;;) {
    int n = receive_batch(fd, batch);
    for (int i = 0; i < n; i++) {
      Datagram& d = batch[i];
      registry::count_caught();
      Result<Note> note = Note::make(std::string_view(d.text, d.iov.iov_len));
      if (!d.allowed() || !note || (d.msg.msg_flags & MSG_TRUNC)) {
        registry::count_refused();
        continue;
      }
      if (held_count == 0 && deliver(*note)) continue;
      held[(held_first + held_count++) % kBatch] = *note;
      stalled.store(true);
    }
    if (stalled.load() || n < kBatch) return;
  }
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

// One drain at a time. A doorbell that finds a drain running says so in `again` *before* it
// looks, so the running drain, which checks `again` after letting go, always sees it.
void drain() noexcept {
  again.store(true);
  while (again.load()) {
    if (busy.exchange(true)) return;  // the running drain will go round again
    again.store(false);
    drain_once();
    busy.store(false);
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
  held_count = 0;
  if (watched) (void)bind_mailbox();
}

}  // namespace notes::detail::mailbox
