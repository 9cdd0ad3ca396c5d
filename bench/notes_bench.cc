// notes_bench: what notes cost against the raw system calls they are built from, in one run.
//
// Ping-pong (two processes, a forked child, nothing pinned unless --pin): each case bounces a
// message between parent and child; the parent times every round trip. Cases run interleaved,
// round by round, so a change in the machine's load hits all of them alike.
//   (a) kill + sigwaitinfo          both sides block the signal and wait for it
//   (b) mapped note "hangup"        notes::post / Receiver::wait (SIGHUP underneath)
//   (c) datagram + kill + sigwaitinfo + recv
//                                   sendto a bound AF_UNIX socket, then the signal
//   (d) string note "ping"          notes::post / Receiver::wait (mailbox + doorbell)
// A verdict is the median over rounds of each round's ratio (the note case's median round trip
// over the raw case's, measured moments apart), which a VM's slow spells, often seconds long,
// barely move. Unpinned, the scheduler may run the two
// processes on one CPU or on two, and a wake-up on another CPU can cost more than the whole
// exchange on one (in a VM above all), so each round trip is also filed by where the two ran,
// and the CPU time both processes spent is reported: those show where the time goes.
//
// Flood: one sender posts N notes as fast as it can, retrying when refused (queue_full, EAGAIN),
// to a receiver that drains them; notes against raw datagrams. Every accepted note must arrive:
// accepted minus received is printed, and anything but 0 is an error.
//
// Exit status: 0 when everything ran (a missed target is reported, not an error); 1 when something
// broke (a failed call, a crashed or stuck child, a lost or garbled note); 2 for a bad command
// line.
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "notes/counters.h"
#include "notes/post.h"
#include "notes/receiver.h"
#include "notes/signal_mask.h"

namespace {

// --- settings ---

struct Settings {
  // Many short rounds, interleaved: a VM's bursts of noise then fall on every case alike.
  int rounds = 20;
  int iterations = 5000;                                  // timed round trips per case and round
  int flood_rounds = 5;                                   // of the rounds, spread evenly
  int warmup = 2000;                                      // untimed round trips before them
  int flood = 100000;                                     // notes per flood
  size_t capacity = notes::Receiver::Options{}.capacity;  // the flood receiver's queue
  std::string cases = "abcdefg";  // which ping-pong cases (a-e, g) run, and the flood (f)
  std::string pin = "none";       // none, same (both processes on one CPU), split (one each)
  bool quick = false;
};

constexpr double kTargetMapped = 1.15;     // b/a at most
constexpr double kTargetString = 1.30;     // d/c at most
constexpr double kTargetFlood = 0.80;      // notes/raw throughput at least
constexpr unsigned kWatchdogSeconds = 30;  // per child, plus 1 ms per exchange

constexpr int kRawSignal = SIGUSR1;  // the signal of the raw cases (a) and (c)
constexpr std::string_view kPing = "ping";
constexpr std::string_view kDone = "done";

// --- small helpers ---

int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Reports a failed step on stderr (from either process) and returns false.
bool fail(std::string_view what) {
  fmt::print(stderr, "notes_bench[{}]: {}\n", getpid(), what);
  return false;
}

bool fail_errno(std::string_view what) {
  int err = errno;
  return fail(fmt::format("{}: {}", what, strerror(err)));
}

bool fail_status(std::string_view what, const notes::Status& s) {
  return fail(fmt::format("{}: {}", what, s.to_string()));
}

bool write_all(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool read_all(int fd, void* data, size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() {
    if (pipe(fds) != 0) fds[0] = fds[1] = -1;
  }
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) close(fd);
    }
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  bool ok() const { return fds[0] >= 0; }
  int reader() const { return fds[0]; }
  int writer() const { return fds[1]; }
};

// Blocks `sig` in the calling thread (the benchmark is single-threaded); the old mask in `saved`.
bool block_signal(int sig, sigset_t* saved) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  if (int err = pthread_sigmask(SIG_BLOCK, &set, saved); err != 0) {
    errno = err;
    return fail_errno("pthread_sigmask");
  }
  return true;
}

void restore_mask(const sigset_t& saved) {
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
}

bool wait_signal(int sig) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  for (;;) {
    siginfo_t info;
    int got = sigwaitinfo(&set, &info);
    if (got == sig) return true;
    if (got < 0 && errno == EINTR) continue;
    return fail_errno("sigwaitinfo");
  }
}

// A bound AF_UNIX datagram socket in a private directory of its own.
class DatagramDir {
 public:
  DatagramDir() = default;
  DatagramDir(const DatagramDir&) = delete;
  DatagramDir& operator=(const DatagramDir&) = delete;
  ~DatagramDir() { remove(); }

  bool make() {
    const char* tmp = getenv("TMPDIR");
    std::string templ = fmt::format("{}/notes-bench.XXXXXX", tmp != nullptr && *tmp ? tmp : "/tmp");
    dir_.assign(templ.begin(), templ.end());
    dir_.push_back('\0');
    if (mkdtemp(dir_.data()) == nullptr) {
      dir_.clear();
      return fail_errno("mkdtemp");
    }
    return true;
  }

  // Makes a socket bound at <dir>/<name>; its address in `addr`. -1 on failure.
  int bind_socket(const char* name, sockaddr_un* addr) {
    if (!address(name, addr)) return -1;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      fail_errno("socket");
      return -1;
    }
    if (bind(fd, reinterpret_cast<const sockaddr*>(addr), sizeof *addr) != 0) {
      fail_errno(fmt::format("bind {}", addr->sun_path));
      close(fd);
      return -1;
    }
    names_.emplace_back(addr->sun_path);
    return fd;
  }

  void remove() {
    for (const std::string& n : names_) unlink(n.c_str());
    names_.clear();
    if (!dir_.empty()) rmdir(dir_.data());
    dir_.clear();
  }

 private:
  bool address(const char* name, sockaddr_un* addr) const {
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    std::string path = fmt::format("{}/{}", dir_.data(), name);
    if (path.size() >= sizeof addr->sun_path) return fail("socket path too long: " + path);
    memcpy(addr->sun_path, path.c_str(), path.size() + 1);
    return true;
  }

  std::vector<char> dir_;
  std::vector<std::string> names_;
};

// --- the child process ---

std::atomic<pid_t> watched_child{0};

void on_watchdog(int) {
  static const char msg[] = "notes_bench: an exchange got stuck (a lost note?); stopping\n";
  ssize_t r = write(2, msg, sizeof msg - 1);
  (void)r;
  if (pid_t c = watched_child.load(); c > 0) kill(c, SIGKILL);
  _exit(1);
}

// --pin: the CPU the children run on (-1: wherever the scheduler likes).
int pinned_child_cpu = -1;

bool pin_to(int cpu) {
#ifdef __linux__
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) return fail_errno("sched_setaffinity");
  return true;
#else
  (void)cpu;
  return fail("--pin needs Linux");
#endif
}

// Pins this process (and so its children) for --pin same / split. False when it cannot.
bool apply_pin(std::string_view pin) {
  if (pin == "none") return true;
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return fail_errno("sched_getaffinity");
  int cpus[2] = {-1, -1};
  for (int cpu = 0, n = 0; cpu < CPU_SETSIZE && n < 2; cpu++) {
    if (CPU_ISSET(cpu, &set)) cpus[n++] = cpu;
  }
  if (pin == "split") {
    if (cpus[1] < 0) return fail("--pin split needs two CPUs");
    pinned_child_cpu = cpus[1];
  }
  return pin_to(cpus[0]);
#else
  return fail("--pin needs Linux");
#endif
}

// Forks a child that runs `body` and exits with its status (0 ok). The child dies with the
// parent; the parent's watchdog kills both if `exchanges` take longer than a millisecond each (a
// lost note leaves a ping-pong waiting forever).
template <typename Body>
pid_t spawn(int exchanges, Body body) {
  fflush(stdout);
  fflush(stderr);
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    fail_errno("fork");
    return -1;
  }
  if (pid == 0) {
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (getppid() != parent) _exit(1);
    if (pinned_child_cpu >= 0 && !pin_to(pinned_child_cpu)) _exit(1);
    _exit(body(parent) ? 0 : 1);
  }
  watched_child.store(pid);
  alarm(kWatchdogSeconds + static_cast<unsigned>(exchanges / 1000));
  return pid;
}

// Waits for the child; true when it exited with status 0. `killed`: we killed it, say nothing.
bool reap(pid_t pid, bool killed = false) {
  int status = 0;
  pid_t r;
  while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  alarm(0);
  watched_child.store(0);
  if (r < 0) return fail_errno("waitpid");
  if (killed) return false;
  if (WIFSIGNALED(status)) {
    return fail(fmt::format("child {} died of signal {} ({})", pid, WTERMSIG(status),
                            strsignal(WTERMSIG(status))));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return fail(fmt::format("child {} failed (exit status {})", pid, WEXITSTATUS(status)));
  }
  return true;
}

// --- ping-pong cases ---

// Parent and child run the same case object after the fork; `child` says which side this is.
class PingPong {
 public:
  virtual ~PingPong() = default;
  // In the parent, before the fork: whatever both sides share.
  virtual bool prepare() { return true; }
  // In each process after the fork, before the first exchange.
  virtual bool open(bool child) = 0;
  virtual bool send(pid_t peer) = 0;
  virtual bool receive() = 0;
  // In each process after the last exchange (the parent undoes prepare() too).
  virtual void finish(bool child) = 0;
};

// (a) kill + sigwaitinfo.
class KillSigwait final : public PingPong {
 public:
  bool prepare() override { return block_signal(kRawSignal, &saved_); }
  bool open(bool) override { return true; }
  bool send(pid_t peer) override {
    if (kill(peer, kRawSignal) != 0) return fail_errno("kill");
    return true;
  }
  bool receive() override { return wait_signal(kRawSignal); }
  void finish(bool child) override {
    if (!child) restore_mask(saved_);
  }

 private:
  sigset_t saved_;
};

// (c) sendto a bound datagram socket, then kill; the receiver waits for the signal, then recv.
class DatagramSignal final : public PingPong {
 public:
  bool prepare() override {
    if (!dir_.make()) return false;
    parent_fd_ = dir_.bind_socket("parent", &parent_addr_);
    child_fd_ = dir_.bind_socket("child", &child_addr_);
    if (parent_fd_ < 0 || child_fd_ < 0) {
      finish(false);
      return false;
    }
    return block_signal(kRawSignal, &saved_);
  }
  bool open(bool child) override {
    own_ = child ? child_fd_ : parent_fd_;
    peer_addr_ = child ? &parent_addr_ : &child_addr_;
    return true;
  }
  bool send(pid_t peer) override {
    if (sendto(own_, kPing.data(), kPing.size(), 0, reinterpret_cast<const sockaddr*>(peer_addr_),
               sizeof *peer_addr_) != static_cast<ssize_t>(kPing.size())) {
      return fail_errno("sendto");
    }
    if (kill(peer, kRawSignal) != 0) return fail_errno("kill");
    return true;
  }
  bool receive() override {
    if (!wait_signal(kRawSignal)) return false;
    char buf[128];
    ssize_t n = recv(own_, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) return fail_errno("recv");
    if (std::string_view(buf, static_cast<size_t>(n)) != kPing) return fail("garbled datagram");
    return true;
  }
  void finish(bool child) override {
    if (child) return;
    if (parent_fd_ >= 0) close(parent_fd_);
    if (child_fd_ >= 0) close(child_fd_);
    parent_fd_ = child_fd_ = -1;
    dir_.remove();
    restore_mask(saved_);
  }

 private:
  DatagramDir dir_;
  int parent_fd_ = -1, child_fd_ = -1, own_ = -1;
  sockaddr_un parent_addr_, child_addr_;
  const sockaddr_un* peer_addr_ = nullptr;
  sigset_t saved_;
};

// (b) and (d): notes::post and Receiver::wait; (e) and (g) the same with a synchronous
// Receiver, the opt-in mode for programs that keep the signals blocked (notes/signal_mask.h).
class NotePingPong final : public PingPong {
 public:
  explicit NotePingPong(std::string_view note, bool synchronous = false)
      : note_(note), synchronous_(synchronous) {}
  bool open(bool) override {
    if (synchronous_) {
      pthread_sigmask(SIG_SETMASK, nullptr, &saved_);
      if (notes::Status s = notes::block_signals(notes::NoteSet{note_}); !s.ok()) {
        return fail_status("block_signals", s);
      }
    }
    auto r = notes::Receiver::open(notes::NoteSet{note_}, {.synchronous = synchronous_});
    if (!r) return fail_status("Receiver::open", r.status());
    receiver_.emplace(std::move(r).value());
    return true;
  }
  bool send(pid_t peer) override {
    if (notes::Status s = notes::post(peer, note_); !s.ok()) return fail_status("post", s);
    return true;
  }
  bool receive() override {
    auto n = receiver_->wait();
    if (!n) return fail_status("Receiver::wait", n.status());
    if (*n != note_) return fail(fmt::format("received \"{}\", not \"{}\"", n->view(), note_));
    return true;
  }
  void finish(bool) override {
    receiver_.reset();
    if (synchronous_) pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
  }

 private:
  std::string_view note_;
  bool synchronous_;
  sigset_t saved_;
  std::optional<notes::Receiver> receiver_;
};

// CPU time (user + system) the calling process has used so far, in ns.
int64_t cpu_ns() {
  rusage u;
  if (getrusage(RUSAGE_SELF, &u) != 0) return 0;
  auto ns = [](const timeval& t) {
    return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_usec * 1000;
  };
  return ns(u.ru_utime) + ns(u.ru_stime);
}

// The CPU the caller runs on, or -1 where the system cannot say.
int current_cpu() {
#ifdef __linux__
  return sched_getcpu();
#else
  return -1;
#endif
}

// Memory both processes share after the fork (anonymous, so nothing to clean up but the map):
// where the child last ran, and how many notes a flood's receiver has taken so far.
class Shared {
 public:
  struct Page {
    std::atomic<int> child_cpu{-1};
    std::atomic<uint64_t> received{0};
  };

  Shared() {
    void* p =
        mmap(nullptr, sizeof(Page), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      fail_errno("mmap");
    } else {
      page_ = new (p) Page;
    }
  }
  ~Shared() {
    if (page_ != nullptr) munmap(page_, sizeof *page_);
  }
  Shared(const Shared&) = delete;
  Shared& operator=(const Shared&) = delete;

  bool ok() const { return page_ != nullptr; }
  Page* operator->() const { return page_; }

  // The child notes where it runs; the parent asks whether it runs there too (-1: unknown).
  void child_ran() const { page_->child_cpu.store(current_cpu(), std::memory_order_relaxed); }
  int same_cpu() const {
    int mine = current_cpu();
    int theirs = page_->child_cpu.load(std::memory_order_relaxed);
    return mine < 0 || theirs < 0 ? -1 : mine == theirs;
  }

 private:
  Page* page_ = nullptr;
};

// What one round of a ping-pong case measured.
struct RoundTrips {
  std::vector<int64_t> same_cpu;   // ns per round trip, both processes on one CPU
  std::vector<int64_t> cross_cpu;  // ns per round trip, on different CPUs
  std::vector<int64_t> unknown;    // ns per round trip, where the system cannot tell
  int64_t cpu_ns = 0;              // CPU time both processes spent in the exchanges
  int exchanges = 0;               // round trips that CPU time covers (warm-up included)
};

// One round of a case: forks the child, warms up, then times `iterations` round trips. Each
// sample is filed by where the two processes ran (pinning nothing, the scheduler decides, and a
// wake-up on another CPU can cost more than the whole exchange on one).
bool run_pingpong(PingPong& c, const Settings& s, RoundTrips& out) {
  Shared shared;
  if (!shared.ok() || !c.prepare()) return false;
  Pipe report;
  if (!report.ok()) {
    c.finish(false);
    return fail_errno("pipe");
  }
  const int exchanges = s.warmup + s.iterations;
  pid_t child = spawn(exchanges, [&](pid_t parent) {
    char ok = c.open(true) ? 1 : 0;
    bool good = write_all(report.writer(), &ok, 1) && ok;
    const int64_t cpu0 = cpu_ns();
    for (int i = 0; good && i < exchanges; i++) {
      good = c.receive();
      shared.child_ran();
      good = good && c.send(parent);
    }
    const int64_t used = cpu_ns() - cpu0;
    c.finish(true);
    return good && write_all(report.writer(), &used, sizeof used);
  });
  if (child < 0) {
    c.finish(false);
    return false;
  }
  bool good = c.open(false);
  char child_ok = 0;
  if (!read_all(report.reader(), &child_ok, 1) || !child_ok) good = fail("the child did not start");
  if (good) {
    const int64_t cpu0 = cpu_ns();
    for (int i = 0; good && i < s.warmup; i++) good = c.send(child) && c.receive();
    int64_t t0 = now_ns();
    for (int i = 0; good && i < s.iterations; i++) {
      good = c.send(child) && c.receive();
      const int64_t t1 = now_ns();
      const int same = shared.same_cpu();
      (same < 0 ? out.unknown : same ? out.same_cpu : out.cross_cpu).push_back(t1 - t0);
      t0 = now_ns();  // the bookkeeping above is no part of the next round trip
    }
    out.cpu_ns = cpu_ns() - cpu0;
    out.exchanges = exchanges;
    int64_t child_cpu_ns = 0;
    if (good && !read_all(report.reader(), &child_cpu_ns, sizeof child_cpu_ns)) {
      good = fail("no report from the child");
    }
    out.cpu_ns += child_cpu_ns;
  }
  if (!good) kill(child, SIGKILL);  // it may wait for an exchange that never comes
  c.finish(false);
  return reap(child, !good) && good;
}

// --- floods ---

// What the receiving child reports.
struct FloodReport {
  uint64_t received = 0;  // "ping"s
  uint64_t garbled = 0;   // anything else but the final "done"
  int64_t end_ns = 0;     // when "done" arrived
  int64_t cpu_ns = 0;     // CPU time the receiver spent from ready to "done"
  notes::ReceiverCounters receiver;
  notes::Counters process;
};

enum class Sent { accepted, refused, failed };

class Flood {
 public:
  virtual ~Flood() = default;
  virtual bool prepare() { return true; }
  // The receiving child.
  virtual bool open_receiver() = 0;
  // Fills `r` with the next message: true for "ping", false at "done" or on an error (`failed`).
  virtual bool receive(FloodReport& r, bool& failed) = 0;
  virtual void close_receiver(FloodReport& r) = 0;
  // The sending parent.
  virtual Sent send(pid_t peer, std::string_view text) = 0;
  virtual void finish() {}
};

class DatagramFlood final : public Flood {
 public:
  bool prepare() override {
    if (!dir_.make()) return false;
    fd_ = dir_.bind_socket("flood", &addr_);
    sender_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0 || sender_ < 0) {
      finish();
      return fail("cannot make the flood's sockets");
    }
    return true;
  }
  bool open_receiver() override { return true; }
  bool receive(FloodReport& r, bool& failed) override {
    char buf[128];
    ssize_t n;
    while ((n = recv(fd_, buf, sizeof buf, 0)) < 0 && errno == EINTR) {
    }
    if (n < 0) {
      failed = true;
      return fail_errno("recv");
    }
    std::string_view text(buf, static_cast<size_t>(n));
    if (text == kPing) {
      r.received++;
      return true;
    }
    if (text != kDone) {
      r.garbled++;
      return true;
    }
    return false;
  }
  void close_receiver(FloodReport&) override {}
  Sent send(pid_t, std::string_view text) override {
    if (sendto(sender_, text.data(), text.size(), MSG_DONTWAIT,
               reinterpret_cast<const sockaddr*>(&addr_),
               sizeof addr_) == static_cast<ssize_t>(text.size())) {
      return Sent::accepted;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return Sent::refused;
    fail_errno("sendto");
    return Sent::failed;
  }
  void finish() override {
    if (fd_ >= 0) close(fd_);
    if (sender_ >= 0) close(sender_);
    fd_ = sender_ = -1;
    dir_.remove();
  }

 private:
  DatagramDir dir_;
  int fd_ = -1, sender_ = -1;
  sockaddr_un addr_;
};

class NoteFlood final : public Flood {
 public:
  explicit NoteFlood(size_t capacity) : capacity_(capacity) {}
  bool open_receiver() override {
    before_ = notes::counters();
    auto r = notes::Receiver::open(notes::NoteSet{kPing, kDone}, {.capacity = capacity_});
    if (!r) return fail_status("Receiver::open", r.status());
    receiver_.emplace(std::move(r).value());
    return true;
  }
  bool receive(FloodReport& r, bool& failed) override {
    auto n = receiver_->wait();
    if (!n) {
      failed = true;
      return fail_status("Receiver::wait", n.status());
    }
    if (*n == kPing) {
      r.received++;
      return true;
    }
    if (*n != kDone) {
      r.garbled++;
      return true;
    }
    return false;
  }
  void close_receiver(FloodReport& r) override {
    r.receiver = receiver_->counters();
    notes::Counters now = notes::counters();  // a forked child starts from its parent's counts
    r.process = {now.caught - before_.caught, now.delivered - before_.delivered,
                 now.dropped - before_.dropped, now.unhandled - before_.unhandled,
                 now.refused - before_.refused};
    receiver_.reset();
  }
  Sent send(pid_t peer, std::string_view text) override {
    notes::Status s = notes::post(peer, text);
    if (s.ok()) return Sent::accepted;
    if (s == notes::Code::queue_full) return Sent::refused;
    fail_status("post", s);
    return Sent::failed;
  }

 private:
  size_t capacity_;
  notes::Counters before_;
  std::optional<notes::Receiver> receiver_;
};

struct FloodResult {
  uint64_t accepted = 0;
  uint64_t refusals = 0;
  uint64_t same_cpu = 0;  // sends made on the CPU the receiver last ran on
  double per_second = 0;
  int64_t sender_cpu_ns = 0;
  bool stalled = false;  // the receiver stopped taking notes; report.received is its last count
  FloodReport report;
};

// Watches a flood's receiver through the shared count: stuck when the count has not moved for
// kStallNs (a lost "done", or a receiver that never drains again).
class Progress {
 public:
  explicit Progress(const Shared& shared) : shared_(shared), since_(now_ns()) {}
  bool stuck() {
    const uint64_t n = shared_->received.load(std::memory_order_relaxed);
    const int64_t t = now_ns();
    if (n != last_) {
      last_ = n;
      since_ = t;
    }
    return t - since_ > kStallNs;
  }

 private:
  static constexpr int64_t kStallNs = 5'000'000'000;
  const Shared& shared_;
  uint64_t last_ = 0;
  int64_t since_;
};

// Posts `text` until it is accepted. False on an error, or when the receiver is stuck.
bool send_retrying(Flood& f, pid_t peer, std::string_view text, Progress& progress,
                   FloodResult& out) {
  for (;;) {
    switch (f.send(peer, text)) {
      case Sent::accepted: return true;
      case Sent::refused:
        out.refusals++;
        if (progress.stuck()) {
          out.stalled = true;
          return fail("the flood's receiver takes no more notes");
        }
        sched_yield();
        break;
      case Sent::failed: return false;
    }
  }
}

// Waits for the receiver's report; false (and out.stalled) when it is stuck.
bool await_report(int fd, Progress& progress, FloodResult& out) {
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, 200);
    if (r > 0) {
      if (read_all(fd, &out.report, sizeof out.report)) return true;
      return fail("no report from the flood's receiver");
    }
    if (r < 0 && errno != EINTR) return fail_errno("poll");
    if (progress.stuck()) {
      out.stalled = true;
      return fail("the flood's receiver never got the final note");
    }
  }
}

// One flood: the child receives, the parent sends `s.flood` pings and a "done". True when it ran
// to the end or stalled (then the loss is in `out`); false when something else broke.
bool run_flood(Flood& f, const Settings& s, FloodResult& out) {
  out = FloodResult{};
  Shared shared;
  if (!shared.ok() || !f.prepare()) return false;
  Pipe ready, report;
  if (!ready.ok() || !report.ok()) {
    f.finish();
    return fail_errno("pipe");
  }
  pid_t child = spawn(s.flood, [&](pid_t) {
    char ok = f.open_receiver() ? 1 : 0;
    if (!write_all(ready.writer(), &ok, 1) || !ok) return false;
    FloodReport r;
    const int64_t cpu0 = cpu_ns();
    bool failed = false;
    while (f.receive(r, failed)) {
      shared->received.store(r.received, std::memory_order_relaxed);
      shared.child_ran();
    }
    r.end_ns = now_ns();
    r.cpu_ns = cpu_ns() - cpu0;
    f.close_receiver(r);
    return !failed && write_all(report.writer(), &r, sizeof r);
  });
  if (child < 0) {
    f.finish();
    return false;
  }
  char child_ok = 0;
  bool good = read_all(ready.reader(), &child_ok, 1) && child_ok;
  if (!good) fail("the flood's receiver did not start");
  Progress progress(shared);
  const int64_t cpu0 = cpu_ns();
  const int64_t start = now_ns();
  for (int i = 0; good && i < s.flood; i++) {
    good = send_retrying(f, child, kPing, progress, out);
    if (good) out.accepted++;
    out.same_cpu += shared.same_cpu() == 1;
  }
  if (good) good = send_retrying(f, child, kDone, progress, out);
  out.sender_cpu_ns = cpu_ns() - cpu0;
  if (good) good = await_report(report.reader(), progress, out);
  if (!good) kill(child, SIGKILL);
  f.finish();
  const bool exited = reap(child, !good);
  if (out.stalled) {
    out.report.received = shared->received.load(std::memory_order_relaxed);
    return true;
  }
  if (!exited || !good) return false;
  double seconds = static_cast<double>(out.report.end_ns - start) / 1e9;
  out.per_second = seconds > 0 ? static_cast<double>(out.accepted) / seconds : 0;
  return true;
}

// --- statistics and output ---

template <typename T>
T median(std::vector<T> v) {
  if (v.empty()) return T{};
  auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

double us(int64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    for (std::string_view key : {"model name", "Hardware", "cpu model", "Processor"}) {
      if (line.compare(0, key.size(), key) == 0) {
        size_t colon = line.find(':');
        if (colon != std::string::npos) {
          size_t begin = line.find_first_not_of(" \t", colon + 1);
          if (begin != std::string::npos) return line.substr(begin);
        }
      }
    }
  }
  return "unknown";
}

void print_machine() {
  utsname u;
  std::string kernel = uname(&u) == 0
                           ? fmt::format("{} {} {} {}", u.sysname, u.release, u.version, u.machine)
                           : std::string("unknown");
  fmt::print("machine: {}, {} cores online; kernel {}\n", cpu_model(),
             sysconf(_SC_NPROCESSORS_ONLN), kernel);
}

// --- the command line ---

// Prints the usage (on stderr after an error) and returns the exit status: 2 after an error.
int usage(std::string_view error) {
  if (!error.empty()) fmt::print(stderr, "notes_bench: {}\n", error);
  fmt::print(error.empty() ? stdout : stderr,
             "usage: notes_bench [--quick] [--rounds N] [--iterations N] [--flood N] "
             "[--flood-rounds N] [--capacity N] [--cases LETTERS] [--pin none|same|split]\n"
             "  --quick         few iterations (a smoke test)\n"
             "  --rounds N      rounds of every ping-pong case (default 20)\n"
             "  --iterations N  timed round trips per case and round (default 5000)\n"
             "  --flood N       notes per flood (default 100000)\n"
             "  --flood-rounds N  floods, spread over the rounds (default 5, at most --rounds)\n"
             "  --capacity N    the flood receiver's queue (default {})\n"
             "  --cases LETTERS run only these: a b c d e g (ping-pong cases), f (flood)\n"
             "  --pin WHERE     none (default): the scheduler decides; same: both processes on\n"
             "                  one CPU; split: on two CPUs\n",
             notes::Receiver::Options{}.capacity);
  return error.empty() ? 0 : 2;
}

bool parse_count(const char* text, long min, long max, long* out) {
  if (text == nullptr) return false;
  char* end = nullptr;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min || v > max) return false;
  *out = v;
  return true;
}

// Fills `s` from the command line. Returns the exit status when the program is done (a bad
// argument, --help), else nothing.
std::optional<int> parse(int argc, char** argv, Settings& s) {
  bool rounds_set = false, iterations_set = false, flood_set = false;
  for (int i = 1; i < argc; i++) {
    std::string_view arg = argv[i];
    long v = 0;
    auto value = [&](long min, long max) {
      return i + 1 < argc && parse_count(argv[++i], min, max, &v);
    };
    if (arg == "--quick") {
      s.quick = true;
    } else if (arg == "--rounds") {
      if (!value(1, 1000)) return usage("--rounds wants a number from 1 to 1000");
      s.rounds = static_cast<int>(v);
      rounds_set = true;
    } else if (arg == "--iterations") {
      if (!value(10, 100000000)) return usage("--iterations wants a number from 10 to 1e8");
      s.iterations = static_cast<int>(v);
      iterations_set = true;
    } else if (arg == "--flood") {
      if (!value(1, 100000000)) return usage("--flood wants a number from 1 to 1e8");
      s.flood = static_cast<int>(v);
      flood_set = true;
    } else if (arg == "--flood-rounds") {
      if (!value(1, 1000)) return usage("--flood-rounds wants a number from 1 to 1000");
      s.flood_rounds = static_cast<int>(v);
    } else if (arg == "--capacity") {
      if (!value(2, 65536)) return usage("--capacity wants a number from 2 to 65536");
      s.capacity = static_cast<size_t>(v);
    } else if (arg == "--cases") {
      if (i + 1 >= argc) return usage("--cases wants letters from abcdefg");
      s.cases = argv[++i];
      if (s.cases.empty() || s.cases.find_first_not_of("abcdefg") != std::string::npos) {
        return usage("--cases wants letters from abcdefg");
      }
    } else if (arg == "--pin") {
      if (i + 1 >= argc) return usage("--pin wants none, same or split");
      s.pin = argv[++i];
      if (s.pin != "none" && s.pin != "same" && s.pin != "split") {
        return usage("--pin wants none, same or split");
      }
    } else if (arg == "--help" || arg == "-h") {
      return usage("");
    } else {
      return usage(fmt::format("unknown argument: {}", arg));
    }
  }
  if (s.quick) {
    if (!rounds_set) s.rounds = 3;
    if (!iterations_set) s.iterations = 2000;
    if (!flood_set) s.flood = 5000;
  }
  s.warmup = std::max(10, s.iterations / 10);
  s.flood_rounds = std::min(s.flood_rounds, s.rounds);
  return std::nullopt;
}

// A case's round trips over every round.
struct CaseResult {
  std::vector<int64_t> all, same_cpu, cross_cpu;  // ns per round trip
  std::vector<int64_t> round_medians;             // ns
  int64_t cpu_ns = 0;
  int64_t exchanges = 0;

  void add(const RoundTrips& r) {
    std::vector<int64_t> round(r.same_cpu);
    round.insert(round.end(), r.cross_cpu.begin(), r.cross_cpu.end());
    round.insert(round.end(), r.unknown.begin(), r.unknown.end());
    round_medians.push_back(median(round));
    all.insert(all.end(), round.begin(), round.end());
    same_cpu.insert(same_cpu.end(), r.same_cpu.begin(), r.same_cpu.end());
    cross_cpu.insert(cross_cpu.end(), r.cross_cpu.begin(), r.cross_cpu.end());
    cpu_ns += r.cpu_ns;
    exchanges += r.exchanges;
  }
  // Medians in µs; 0 when there are too few samples to say.
  double median_us() const { return us(median(all)); }
  double same_us() const { return enough(same_cpu) ? us(median(same_cpu)) : 0; }
  double cross_us() const { return enough(cross_cpu) ? us(median(cross_cpu)) : 0; }
  double cpu_us() const { return exchanges > 0 ? us(cpu_ns) / static_cast<double>(exchanges) : 0; }
  double same_share() const {
    return all.empty() ? 0 : static_cast<double>(same_cpu.size()) / static_cast<double>(all.size());
  }

 private:
  // A placement seen in at least 2% of the round trips (and 50 of them) has a median to compare.
  bool enough(const std::vector<int64_t>& v) const {
    return v.size() >= 50 && v.size() * 50 >= all.size();
  }
};

struct Case {
  char key;
  const char* label;
  PingPong* pingpong;
  CaseResult result;
};

struct FloodTotals {
  std::vector<double> rates;  // notes/s, one per round
  uint64_t accepted = 0;
  uint64_t refusals = 0;
  uint64_t same_cpu = 0;
  int64_t lost = 0;  // accepted minus received
  uint64_t garbled = 0;
  uint64_t dropped = 0;
  int stalled = 0;  // rounds whose receiver stopped taking notes
  int64_t sender_cpu_ns = 0, receiver_cpu_ns = 0;
  FloodReport last;

  void add(const FloodResult& r) {
    stalled += r.stalled;
    if (!r.stalled) rates.push_back(r.per_second);
    accepted += r.accepted;
    refusals += r.refusals;
    same_cpu += r.same_cpu;
    lost += static_cast<int64_t>(r.accepted) - static_cast<int64_t>(r.report.received);
    garbled += r.report.garbled;
    dropped += r.report.receiver.dropped + r.report.process.dropped;
    sender_cpu_ns += r.sender_cpu_ns;
    receiver_cpu_ns += r.report.cpu_ns;
    last = r.report;
  }
  bool lossy() const { return lost != 0 || garbled != 0 || dropped != 0 || stalled != 0; }
  double per_note(double v) const { return accepted > 0 ? v / static_cast<double>(accepted) : 0; }
};

std::string maybe(double v) {
  return v > 0 ? fmt::format("{:7.2f}", v) : std::string("      -");
}

void print_pingpong(std::span<Case> cases, const Settings& s) {
  fmt::print(
      "ping-pong: µs per round trip, medians of {} timed round trips per case; also split by\n"
      "where the two processes ran, and the CPU time both spent per round trip\n",
      static_cast<long>(s.rounds) * s.iterations);
  fmt::print("  {:<44} {:>7}  {:>7} {:>5}  {:>7}  {:>7}   per-round medians\n", "case", "median",
             "1 CPU", "share", "2 CPUs", "CPU");
  for (Case& c : cases) {
    const CaseResult& r = c.result;
    if (r.all.empty()) continue;
    std::string rounds;
    for (int64_t m : r.round_medians) rounds += fmt::format(" {:.2f}", us(m));
    fmt::print("  {:<44} {:7.2f}  {} {:4.0f}%  {}  {:7.2f}  {}\n", c.label, r.median_us(),
               maybe(r.same_us()), 100 * r.same_share(), maybe(r.cross_us()), r.cpu_us(), rounds);
  }
}

void print_flood(const Settings& s, const FloodTotals& raw, const FloodTotals& note) {
  fmt::print("\nflood: {} notes per round, one sender, one receiver (median of {} rounds)\n",
             s.flood, s.flood_rounds);
  fmt::print("  {:<44} {:>10}  {:>9}  {:>6}  {:>6}  {:>5}  {:>4}\n", "", "notes/s", "refusals",
             "send", "recv", "1 CPU", "lost");
  auto line = [](std::string_view label, const FloodTotals& t) {
    fmt::print("  {:<44} {:10.0f}  {:9.2f}  {:6.2f}  {:6.2f}  {:4.0f}%  {:4}\n", label,
               median(t.rates), t.per_note(static_cast<double>(t.refusals)),
               t.per_note(us(t.sender_cpu_ns)), t.per_note(us(t.receiver_cpu_ns)),
               100 * t.per_note(static_cast<double>(t.same_cpu)), t.lost);
  };
  line("raw datagram (sendto MSG_DONTWAIT, recv)", raw);
  line("string notes (post, Receiver::wait)", note);
  fmt::print(
      "  (refusals: EAGAIN or queue_full per note; send, recv: CPU µs per note on each side;\n"
      "   1 CPU: share of sends made on the CPU the receiver last ran on)\n");
  const FloodReport& r = note.last;
  fmt::print(
      "  last note flood's receiver: queued {}, received {}, dropped {}; its process: caught {}, "
      "delivered {}, dropped {}, unhandled {}, refused {}\n",
      r.receiver.queued, r.receiver.received, r.receiver.dropped, r.process.caught,
      r.process.delivered, r.process.dropped, r.process.unhandled, r.process.refused);
}

// A ratio as text: "1.23", or "-" when a side has no figure.
std::string ratio_text(double num, double den) {
  return num > 0 && den > 0 ? fmt::format("{:.2f}", num / den) : std::string("-");
}

// The verdict line of one target, then what the ratio is on one CPU, on two, and in CPU time.
void print_target(std::string_view name, double ratio, bool at_most, double target,
                  std::string_view breakdown) {
  bool holds = at_most ? ratio <= target : ratio >= target;
  fmt::print("  {:<40} {:5.2f}   (at {} {:.2f})   {}\n", name, ratio, at_most ? "most" : "least",
             target, holds ? "holds" : "misses");
  fmt::print("  {:<40} {}\n", "", breakdown);
}

// The median over rounds of note / raw in that round.
double paired_ratio(const CaseResult& note, const CaseResult& raw) {
  std::vector<double> ratios;
  for (size_t r = 0; r < note.round_medians.size() && r < raw.round_medians.size(); r++) {
    if (raw.round_medians[r] > 0) {
      ratios.push_back(static_cast<double>(note.round_medians[r]) /
                       static_cast<double>(raw.round_medians[r]));
    }
  }
  return ratios.empty() ? 0 : median(std::move(ratios));
}

void print_pair_target(std::string_view name, const CaseResult& note, const CaseResult& raw,
                       double target) {
  print_target(name, paired_ratio(note, raw), true, target,
               fmt::format("on 1 CPU {}, on 2 CPUs {}, CPU time {}",
                           ratio_text(note.same_us(), raw.same_us()),
                           ratio_text(note.cross_us(), raw.cross_us()),
                           ratio_text(note.cpu_us(), raw.cpu_us())));
  const double shares[] = {note.same_share(), raw.same_share()};
  if (std::abs(shares[0] - shares[1]) > 0.2) {
    fmt::print("  {:<40} placements differ: notes {:.0f}%, raw {:.0f}% on 1 CPU (unlike runs)\n",
               "", 100 * shares[0], 100 * shares[1]);
  }
}

int run(const Settings& s) {
  KillSigwait kill_sigwait;
  NotePingPong mapped("hangup");
  DatagramSignal datagram_signal;
  NotePingPong string_note(kPing);
  NotePingPong mapped_sync("hangup", true);
  NotePingPong string_sync(kPing, true);
  Case all_cases[] = {
      {'a', "(a) kill + sigwaitinfo", &kill_sigwait, {}},
      {'b', "(b) mapped note \"hangup\", Receiver", &mapped, {}},
      {'c', "(c) datagram + kill + sigwaitinfo + recv", &datagram_signal, {}},
      {'d', "(d) string note \"ping\", Receiver", &string_note, {}},
      {'e', "(e) as (b), synchronous Receiver", &mapped_sync, {}},
      {'g', "(g) as (d), synchronous Receiver", &string_sync, {}},
  };
  std::span<Case> cases(all_cases);
  auto selected = [&](char key) { return s.cases.find(key) != std::string::npos; };
  DatagramFlood raw_flood;
  NoteFlood note_flood(s.capacity);
  FloodTotals raw_totals, note_totals;

  for (int round = 0; round < s.rounds; round++) {
    for (Case& c : cases) {
      if (!selected(c.key)) continue;
      RoundTrips trips;
      if (!run_pingpong(*c.pingpong, s, trips)) {
        fail(fmt::format("{} failed; no figures", c.label));
        return 1;
      }
      c.result.add(trips);
    }
    // Exactly flood_rounds floods, evenly spread.
    const bool flood_now =
        round * s.flood_rounds / s.rounds != (round + 1) * s.flood_rounds / s.rounds;
    if (selected('f') && flood_now) {
      FloodResult raw, note;
      if (!run_flood(raw_flood, s, raw) || !run_flood(note_flood, s, note)) {
        fail("a flood failed; no figures");
        return 1;
      }
      raw_totals.add(raw);
      note_totals.add(note);
      if (raw.stalled || note.stalled) break;  // a loss: no use going on
    }
  }

  print_pingpong(cases, s);
  if (selected('f')) print_flood(s, raw_totals, note_totals);

  fmt::print(
      "\ntargets (median of the per-round ratios; below each, the ratio of the medians by "
      "placement)\n");
  if (selected('a') && selected('b')) {
    print_pair_target("b/a    mapped note / kill", cases[1].result, cases[0].result, kTargetMapped);
  }
  if (selected('c') && selected('d')) {
    print_pair_target("d/c    string note / datagram + kill", cases[3].result, cases[2].result,
                      kTargetString);
  }
  if (selected('a') && selected('e')) {
    print_pair_target("e/a    mapped note, synchronous / kill", cases[4].result, cases[0].result,
                      kTargetMapped);
  }
  if (selected('c') && selected('g')) {
    print_pair_target("g/c    string note, synchronous / datagram", cases[5].result,
                      cases[2].result, kTargetString);
  }
  if (selected('f')) {
    const double raw_rate = median(raw_totals.rates), note_rate = median(note_totals.rates);
    // CPU time per note, both sides, raw over notes: the share of the raw rate the CPU allows.
    const double raw_cpu =
        raw_totals.per_note(us(raw_totals.sender_cpu_ns + raw_totals.receiver_cpu_ns));
    const double note_cpu =
        note_totals.per_note(us(note_totals.sender_cpu_ns + note_totals.receiver_cpu_ns));
    print_target("flood  notes / raw throughput", raw_rate > 0 ? note_rate / raw_rate : 0, false,
                 kTargetFlood,
                 fmt::format("CPU time per note, raw / notes {}", ratio_text(raw_cpu, note_cpu)));
    if (raw_totals.lossy() || note_totals.lossy()) {
      fmt::print(
          "\nLOSS: raw: {} accepted but not received, {} garbled, {} stalled rounds; notes: {} "
          "accepted but not received, {} garbled, {} dropped, {} stalled rounds\n",
          raw_totals.lost, raw_totals.garbled, raw_totals.stalled, note_totals.lost,
          note_totals.garbled, note_totals.dropped, note_totals.stalled);
      return 1;
    }
    fmt::print("\nloss: none (every accepted note arrived, in both floods)\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  if (std::optional<int> done = parse(argc, argv, s)) return *done;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_watchdog;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, nullptr);

  fmt::print("notes_bench: notes against the raw calls they are made of\n");
  print_machine();
  fmt::print(
      "settings: {} rounds; ping-pong {} round trips per case and round (after {} warm-up); "
      "{} floods of {} notes, receiver capacity {}; pinned: {}\n\n",
      s.rounds, s.iterations, s.warmup, s.flood_rounds, s.flood, s.capacity, s.pin);
  if (!apply_pin(s.pin)) return 1;
  return run(s);
}
