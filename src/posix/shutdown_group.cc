// ShutdownGroup on POSIX: spawning, watching and reaping members, carrying out the ladder.
#include "notes/shutdown_group.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include "common/backend.h"
#include "common/shutdown_ladder.h"
#include "notes/receiver.h"
#include "notes/signal_map.h"
#include "posix/config.h"
#include "posix/guard.h"
#include "posix/process.h"
#include "posix/spawn.h"

#ifdef __linux__
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

namespace notes {

const char* event_name(Event::Kind kind) noexcept {
  switch (kind) {
    case Event::Kind::started: return "started";
    case Event::Kind::spawn_failed: return "spawn_failed";
    case Event::Kind::exited: return "exited";
    case Event::Kind::trigger: return "trigger";
    case Event::Kind::note_posted: return "note_posted";
    case Event::Kind::continued: return "continued";
    case Event::Kind::grace_skipped: return "grace_skipped";
    case Event::Kind::escalated: return "escalated";
    case Event::Kind::reaped: return "reaped";
    case Event::Kind::error: return "error";
    case Event::Kind::finished: return "finished";
  }
  return "unknown";
}

namespace {

constexpr int kSupervisorFailure = 125;  // as docker run: the supervisor, not a member, failed
constexpr auto kPollWhileStragglers = std::chrono::milliseconds(50);

// The notes that make the supervisor shut the group down.
bool is_termination(const Note& n) {
  return n == "interrupt" || n == "hangup" || n == "kill";
}

ExitStatus status_of(int wait_status) {
  if (WIFSIGNALED(wait_status)) return ExitStatus::killed(WTERMSIG(wait_status));
  return ExitStatus::exited(WEXITSTATUS(wait_status));
}

}  // namespace

struct ShutdownGroup::Impl final : detail::ShutdownLadder::Actions {
  struct Member {
    std::string name;
    pid_t pid = -1;
    int pidfd = -1;
  };

  Options options;
  Note note;
  int note_signal = 0;
  int64_t t0 = detail::backend::monotonic_ns();
  detail::ShutdownLadder ladder;
  std::vector<Member> members;
  Result<Receiver> supervisor_notes;
  detail::Wake wake;
  std::atomic<bool> shutdown_asked{false};
  detail::Guard guard;
  std::vector<long> adopted;  // orphans handed to us as subreaper, still alive
  bool adopted_killed = false;
  std::string failure;  // the supervisor's own failure, if any
  int old_subreaper = 0;
  int epoll = -1;

  explicit Impl(Options o)
      : options(std::move(o)),
        ladder(*this, options.grace.count(), options.status, options.on),
        supervisor_notes(
            Receiver::open({"interrupt", "hangup", "kill", "sys: child"}, {.capacity = 256})) {
    Result<Note> n = Note::make(options.note);
    if (n) {
      note = *n;
      note_signal = signal_for_note(note.view());
    } else {
      failure = "bad shutdown note: " + n.status().to_string();
    }
    if (!supervisor_notes) {
      failure = "cannot watch the supervisor's notes: " + supervisor_notes.status().to_string();
    }
    if (Status s = detail::backend::wake_open(wake); !s.ok()) failure = s.to_string();
    wake.exported.store(true);  // polled by this loop's own poll or epoll, as an fd() is
#ifdef __linux__
    // Orphaned grandchildren come to us, so they are reaped and none outlives the group.
    prctl(PR_GET_CHILD_SUBREAPER, &old_subreaper);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    epoll = epoll_create1(EPOLL_CLOEXEC);
#endif
    watch_fd(detail::backend::wake_fd(wake));
    if (supervisor_notes) watch_fd(supervisor_notes->fd());
  }

  ~Impl() {
#ifdef __linux__
    prctl(PR_SET_CHILD_SUBREAPER, old_subreaper);
#endif
    for (Member& m : members) forget_pidfd(m);
    if (epoll >= 0) close(epoll);
    detail::backend::wake_close(wake);
  }

  int64_t now() const {
    return detail::backend::monotonic_ns();
  }

  void emit(Event::Kind kind, int member, const ExitStatus& status, std::string_view detail,
            long pid = 0) {
    if (!options.on_event) return;
    Event e{kind, std::chrono::nanoseconds(now() - t0), member, pid, {}, status, detail};
    if (member >= 0) {
      e.name = members[static_cast<size_t>(member)].name;
      if (pid == 0) e.pid = members[static_cast<size_t>(member)].pid;
    }
    options.on_event(e);
  }

  // --- ShutdownLadder::Actions ---
  void post_note(int member) override {
    pid_t pg = members[static_cast<size_t>(member)].pid;
    if (note_signal != 0) {
      killpg(pg, note_signal);
    } else {
      (void)post_group_including(pg);
    }
  }
  void cont(int member) override {
    killpg(members[static_cast<size_t>(member)].pid, SIGCONT);
  }
  void hard_kill(int member) override {
    if (!adopted_killed) {
      adopted_killed = true;
      tell_adopted(SIGKILL);
    }
    Member& m = members[static_cast<size_t>(member)];
    killpg(m.pid, SIGKILL);
#if NOTES_HAVE_PIDFD
    // The leader may have left its group (setpgid); its pidfd still names it exactly.
    if (m.pidfd >= 0 && ladder.leader_alive(member)) {
      syscall(SYS_pidfd_send_signal, m.pidfd, SIGKILL, nullptr, 0);
    }
#endif
  }
  bool group_alive(int member) override {
    return killpg(members[static_cast<size_t>(member)].pid, 0) == 0 || errno == EPERM;
  }
  void event(Event::Kind kind, int member, const ExitStatus& status,
             std::string_view detail) override {
    if (kind == Event::Kind::note_posted) detail = note.view();
    emit(kind, member, status, detail);
    if (kind == Event::Kind::trigger) tell_adopted(note_signal != 0 ? note_signal : SIGTERM);
  }

  // A string shutdown note reaches every process of the group that has a mailbox (post_group
  // leaves out the caller, which is not in the group anyway).
  Status post_group_including(pid_t pg) {
    return detail::backend::post_group(pg, note);
  }

  // Orphans adopted as subreaper are part of the group too: they get the note and the kill.
  void tell_adopted(int sig) {
    find_adopted();
    for (long pid : adopted) kill(static_cast<pid_t>(pid), sig);
    if (sig != SIGKILL) {
      for (long pid : adopted) kill(static_cast<pid_t>(pid), SIGCONT);
    }
  }

  void find_adopted() {
    struct Scan {
      Impl* self;
      std::vector<long> found;
    } scan{this, {}};
    detail::process::for_each_child(
        getpid(),
        [](long pid, void* arg) {
          auto* s = static_cast<Scan*>(arg);
          if (pid == s->self->guard.pid()) return;
          for (const Member& m : s->self->members) {
            if (m.pid == pid) return;
          }
          s->found.push_back(pid);
        },
        &scan);
    adopted = std::move(scan.found);
  }

  // --- watching ---
  int member_of(pid_t pid) const {
    for (size_t i = 0; i < members.size(); i++) {
      if (members[i].pid == pid) return static_cast<int>(i);
    }
    return -1;
  }

  void reap() {
    for (;;) {
      int st = 0;
      pid_t pid = waitpid(-1, &st, WNOHANG);
      if (pid <= 0) return;
      if (pid == guard.pid()) {
        guard.lost();
        failure = "the guard process died";
        continue;
      }
      int m = member_of(pid);
      if (m >= 0) {
        forget_pidfd(members[static_cast<size_t>(m)]);
        ladder.exited(m, status_of(st), now());
      } else {
        emit(Event::Kind::reaped, -1, status_of(st), "orphan", pid);
      }
    }
  }

  void check_groups() {
    for (int i = 0; i < ladder.members(); i++) {
      if (!ladder.gone(i) && !ladder.leader_alive(i) && !group_alive(i)) ladder.group_gone(i);
    }
  }

  bool stragglers() {
    for (int i = 0; i < ladder.members(); i++) {
      if (!ladder.gone(i) && !ladder.leader_alive(i)) return true;
    }
    return false;
  }

  void take_notes() {
    if (!supervisor_notes) return;
    while (auto n = supervisor_notes->try_receive()) {
      if (is_termination(*n)) ladder.termination_note(n->view(), now());
    }
  }

  // Sleeps until a note, a shutdown() call, a member's exit (its pidfd on Linux) or the next
  // deadline. epoll, so a thousand members cost nothing per wake-up.
  void wait_for_something() {
    int64_t timeout = ladder.deadline() == INT64_MAX ? -1 : ladder.deadline() - now();
    // A member's group can outlive its leader; its other processes are not our children
    // without a subreaper, so look again now and then.
    if (stragglers() || !adopted.empty()) {
      int64_t poll_ns = std::chrono::nanoseconds(kPollWhileStragglers).count();
      if (timeout < 0 || timeout > poll_ns) timeout = poll_ns;
    }
    int ms = timeout < 0 ? -1 : static_cast<int>((timeout + 999999) / 1000000);
#ifdef __linux__
    if (epoll >= 0) {
      epoll_event ready[16];
      epoll_wait(epoll, ready, 16, ms);
      return;
    }
#endif
    pollfd fds[2] = {{detail::backend::wake_fd(wake), POLLIN, 0}, {-1, POLLIN, 0}};
    if (supervisor_notes) fds[1].fd = supervisor_notes->fd();
    poll(fds, 2, ms);
  }

  void watch_fd(int fd) {
#ifdef __linux__
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = fd;
    if (epoll >= 0 && fd >= 0) epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &e);
#else
    (void)fd;
#endif
  }

  // The leader is reaped: its pidfd would poll readable forever, so it goes.
  void forget_pidfd(Member& m) {
    if (m.pidfd < 0) return;
#ifdef __linux__
    if (epoll >= 0) epoll_ctl(epoll, EPOLL_CTL_DEL, m.pidfd, nullptr);
#endif
    close(m.pidfd);
    m.pidfd = -1;
  }

  bool adopted_alive() {
    if (adopted.empty()) return false;
    find_adopted();
    return !adopted.empty();
  }
};

ShutdownGroup::ShutdownGroup(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

ShutdownGroup::~ShutdownGroup() = default;

Result<int> ShutdownGroup::spawn(MemberSpec spec) {
  Impl& g = *impl_;
  if (spec.argv.empty() || spec.argv[0].empty()) {
    return Status(Code::invalid_argument, 0, 0, "a member needs a command");
  }
  if (g.ladder.triggered()) {
    return Status(Code::invalid_argument, 0, 0, "the group is already shutting down");
  }
  if (Status s = g.guard.start(); !s.ok()) return s;
  int index = g.ladder.add_member();
  if (index < 0) return Status(Code::io, 0, ENOMEM, "out of memory for a member");
  Impl::Member m;
  m.name = spec.name.empty() ? spec.argv[0] : spec.name;
  g.members.push_back(std::move(m));
  Result<detail::Spawned> s = detail::spawn_member(spec);
  if (!s) {
    g.ladder.spawn_failed(index, ExitStatus::exited(126), g.now());
    return s.status();
  }
  if (s->exec_errno != 0) {
    std::string why = std::string("cannot start ") + spec.argv[0] + ": " +
                      Status(Code::io, 0, s->exec_errno, "").to_string().substr(2);
    g.emit(Event::Kind::error, index, ExitStatus(), why);
    g.ladder.spawn_failed(index, ExitStatus::exited(s->exec_errno == ENOENT ? 127 : 126), g.now());
    return index;
  }
  Impl::Member& added = g.members.back();
  added.pid = s->pid;
#if NOTES_HAVE_PIDFD
  added.pidfd = static_cast<int>(syscall(SYS_pidfd_open, s->pid, 0));
  g.watch_fd(added.pidfd);
#endif
  g.guard.watch(s->pid);
  g.emit(Event::Kind::started, index, ExitStatus(), {});
  return index;
}

void ShutdownGroup::shutdown() noexcept {
  impl_->shutdown_asked.store(true);
  detail::backend::wake_ring(impl_->wake);
}

ExitStatus ShutdownGroup::run() {
  Impl& g = *impl_;
  if (!g.failure.empty()) {
    g.emit(Event::Kind::error, -1, ExitStatus(), g.failure);
    g.ladder.shutdown("the supervisor failed", g.now());
  }
  for (;;) {
    // Notes first: taking them clears the receiver's wake-up, so the reaping that follows must
    // come after it, or a child's exit signalled in between would be slept on.
    g.take_notes();
    g.reap();
    if (g.shutdown_asked.exchange(false)) g.ladder.shutdown("shutdown requested", g.now());
    g.ladder.tick(g.now());
    g.check_groups();
    if (g.ladder.finished() && !g.adopted_alive()) break;
    g.wait_for_something();
    detail::backend::wake_clear(g.wake);
  }
  g.guard.disarm();
  ExitStatus result =
      g.failure.empty() ? g.ladder.result() : ExitStatus::exited(kSupervisorFailure);
  g.emit(Event::Kind::finished, -1, result, {});
  return result;
}

}  // namespace notes
