// This process's mailbox: binding it, draining it in note context, and giving it up.
#include "posix/mailbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include "common/registry.h"
#include "posix/bell.h"
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
// The doorbell word (bell.h), shared with senders through "<mailbox>.bell". The page outlives
// its mailbox, since a waiter may still touch it (see `touching`); the next mailbox maps its word
// over it.
std::atomic<std::atomic<uint32_t>*> bell{nullptr};
char bell_file[sizeof(sockaddr_un::sun_path) + 8];
pid_t owner_pid = 0;  // the process the open mailbox belongs to
uid_t owner_uid = 0;  // its effective uid, for the credential check
sockaddr_un own_addr;

// Threads between poll_begin and poll_end; the first sets bell::kPolled, the last clears it.
std::atomic<int> pollers{0};
// The same threads, counted from before they read mailbox_fd until after they last touch the
// bell word. A waiter can outlive its mailbox (its receiver stopped, which rings it awake), so a
// new mailbox waits for this to reach zero before it maps its word over the old one.
std::atomic<int> touching{0};

// Registry lock: some consumer needs string notes pushed (see set_push).
bool push = false;

// --- drain state: owned by whoever holds `busy` ---
std::atomic<bool> busy{false};
std::atomic<bool> again{false};
std::atomic<bool> stalled{false};
Note held[kBatch];
int held_first = 0, held_count = 0;

void remove_at_exit() {
  if (mailbox_fd.load() >= 0 && owner_pid == getpid()) {
    unlink(own_addr.sun_path);
    unlink(bell_file);
  }
}

// Makes the doorbell word next to the socket, at the address of the last one if there was one.
// Without it senders simply always ring.
void make_bell(const sockaddr_un& addr) noexcept {
  if (!bell_path(bell_file, sizeof bell_file, addr)) return;
  unlink(bell_file);
  int fd = ::open(bell_file, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return;
  void* page = MAP_FAILED;
  if (ftruncate(fd, bell::kSize) == 0) {
    // No waiter of the old mailbox is left (see `touching`), and no drain runs while there is
    // no mailbox, so nothing touches the old page now.
    while (touching.load() != 0) backend::yield();
    void* at = bell.load();
    page = mmap(at, bell::kSize, PROT_READ | PROT_WRITE, MAP_SHARED | (at ? MAP_FIXED : 0), fd, 0);
  }
  ::close(fd);
  if (page == MAP_FAILED) {
    unlink(bell_file);
    bell_file[0] = '\0';
    if (void* old = bell.exchange(nullptr)) munmap(old, bell::kSize);
    return;
  }
  auto* word = static_cast<std::atomic<uint32_t>*>(page);
  word->store(bell::kArmed | (push ? 0 : bell::kPulled));
  bell.store(word);
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
  make_bell(addr);
  mailbox_fd.store(fd);
  return Status();
}

// Hands one note to the registry. False when a receiver that wants it has no room.
bool deliver(const Note& note) noexcept {
  switch (registry::admit(note, kMailbox)) {
    case registry::Admission::unwanted: registry::count_unhandled(); return true;
    case registry::Admission::no_room: return false;
    case registry::Admission::admit:
      // Its receivers may have stopped since admit(): then it is unhandled after all.
      if (!registry::dispatch(note, kMailbox)) registry::count_unhandled();
      return true;
  }
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
  static mmsghdr m[kBatch];  // only the holder of `busy` is here (see drain_once)
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

// Not on the stack: a drain runs in a signal handler, perhaps on a small sigaltstack. Only the
// holder of `busy` uses it.
Datagram batch[kBatch];

void drain_once(int fd) noexcept {
  if (!deliver_held()) return;
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

// True when a datagram waits in the socket.
bool socket_has_data() noexcept {
  int fd = mailbox_fd.load();
  int next = 0;
  return fd >= 0 && ioctl(fd, FIONREAD, &next) == 0 && next > 0;
}

void unbind_mailbox() noexcept {
  int fd = mailbox_fd.exchange(-1);
  // Take the drain: one reading the socket right now finishes first, and none reads after.
  while (busy.exchange(true)) backend::yield();
  if (fd >= 0) {
    unlink(own_addr.sun_path);
    unlink(bell_file);
    // From here a sender, even one with a connected socket, is refused (Linux: EPIPE) rather
    // than accepted into a socket about to go. What came before (and what was held) is read as
    // any drain reads it: nobody wants string notes any more, so each is counted as unhandled,
    // or refused. The page of the bell word stays mapped (see `bell`).
    shutdown(fd, SHUT_RD);
    drain_once(fd);
    ::close(fd);
  }
  held_count = 0;
  stalled.store(false);
  busy.store(false);
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
  unbind_mailbox();
  signals::uninstall(signals::kDoorbell, false);
}

namespace {

// One drain at a time. A doorbell that finds a drain running says so in `again` *before* it
// looks, so the running drain, which checks `again` after letting go, always sees it.
//
// A doorbell's drain disarms the bell, reads, arms it and looks once more (bell.h), since its
// sender cleared kArmed. A polling waiter's drain may leave the bell alone for its first pass:
// whatever state the bell is in, someone else reads what lands meanwhile.
//
// A signal may reach a child made without fork's handlers (_Fork, a raw clone), which must never
// read its parent's mailbox; a waiter's thread is always the mailbox's own process.
void drain_from(bool waiter) noexcept {
  bool ring_cycle = !waiter;
  again.store(true);
  while (again.load()) {
    if (busy.exchange(true)) return;  // the running drain will go round again
    again.store(false);
    const int fd = mailbox_fd.load();
    const bool ours = fd >= 0 && (waiter || owner_pid == getpid());  // owner_pid: set before fd
    std::atomic<uint32_t>* word = ring_cycle ? bell.load() : nullptr;
    while (ours) {
      if (word != nullptr) word->fetch_and(~bell::kArmed);
      drain_once(fd);
      // Stalled: resume() drains again once a receiver has room; until then senders need not
      // ring. Otherwise arm the bell and look once more.
      if (word == nullptr || stalled.load()) break;
      word->fetch_or(bell::kArmed);
      if (!socket_has_data()) break;
    }
    busy.store(false);
    ring_cycle = true;  // `again`: perhaps a doorbell, whose drain this pass does
  }
}

}  // namespace

void drain() noexcept {
  drain_from(false);
}

void resume() noexcept {
  if (stalled.load()) drain();
}

void check() noexcept {
  if (socket_has_data()) drain();
}

int poll_begin() noexcept {
  touching.fetch_add(1);
  int fd = mailbox_fd.load();
  // Stalled: the socket stays readable until a receiver makes room; polling it would spin.
  if (fd < 0 || stalled.load()) {
    touching.fetch_sub(1);
    return -1;
  }
  if (pollers.fetch_add(1) == 0) {
    if (std::atomic<uint32_t>* word = bell.load()) word->fetch_or(bell::kPolled);
  }
  return fd;
}

void poll_end(bool readable) noexcept {
  // Read first, still registered: a sender whose note woke us may not have looked at the bell
  // yet, and should not ring for a note that is already read.
  if (readable) drain_from(true);
  if (pollers.fetch_sub(1) == 1) {
    if (std::atomic<uint32_t>* word = bell.load()) word->fetch_and(~bell::kPolled);
  }
  touching.fetch_sub(1);
  // A sender that found kPolled set did not ring: read what it sent.
  if (socket_has_data()) drain_from(true);
}

void set_push(bool needed) noexcept {
  push = needed;
  std::atomic<uint32_t>* word = bell.load();
  if (word == nullptr || mailbox_fd.load() < 0) return;
  if (!needed) {
    word->fetch_or(bell::kPulled);
    return;
  }
  // Senders that found kPulled set did not ring: what they sent goes now, as a doorbell's
  // drain would take it.
  word->fetch_and(~bell::kPulled);
  drain();
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
  // The descriptor and the bell are the parent's: drop our copies, leave its files alone.
  // Only this thread runs in the child: nothing polls, nothing touches the parent's page.
  int fd = mailbox_fd.exchange(-1);
  if (fd >= 0) ::close(fd);
  if (std::atomic<uint32_t>* word = bell.exchange(nullptr)) munmap(word, bell::kSize);
  pollers.store(0);
  touching.store(0);
  busy.store(false);
  again.store(false);
  stalled.store(false);
  held_count = 0;
  if (watched) (void)bind_mailbox();
}

}  // namespace notes::detail::mailbox
