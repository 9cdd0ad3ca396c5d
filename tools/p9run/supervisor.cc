// The supervisor (see supervisor.h).
#include "supervisor.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>

#include "devfiles.h"
#include "loader.h"
#include "namespace.h"
#include "notes.h"
#include "plan9.h"
#include "proc.h"
#include "session.h"
#include "sud.h"

extern char** environ;

namespace p9run {
namespace {

constexpr int64_t kGraceNs = 2'000'000'000;  // how long other procs may outlive the first

std::string g_prog;  // the program name for p9run's own messages

void say(std::string_view msg) {
  const auto line = fmt::format("p9run: {}: {}\n", g_prog, msg);
  log_line(line);
}

// A directory holding the host environment, one file per variable: the session's /env.
std::string make_env_dir() {
  std::error_code ec;
  std::string dir = (std::filesystem::temp_directory_path(ec) / "p9run-env.XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) return "";
  auto put = [&dir](std::string_view name, std::string_view value) {
    const std::string path = dir + "/" + std::string(name);
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    if (write(fd, value.data(), value.size()) < 0) {
    }
    close(fd);
  };
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view kv = *e;
    const size_t eq = kv.find('=');
    if (eq == 0 || eq == std::string_view::npos) continue;
    const std::string_view name = kv.substr(0, eq);
    if (name.find('/') != std::string_view::npos || name == "." || name == "..") continue;
    put(name, kv.substr(eq + 1));
  }
  // What a 9front profile would have set.
  const passwd* pw = getpwuid(getuid());
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  const char* home = getenv("HOME");
  const std::pair<const char*, const char*> defaults[] = {
      {"cputype", "amd64"},    {"objtype", "amd64"},
      {"service", "terminal"}, {"user", pw != nullptr ? pw->pw_name : "none"},
      {"sysname", host},       {"home", home != nullptr ? home : "/"}};
  for (const auto& [name, value] : defaults)
    if (getenv(name) == nullptr) put(name, value);
  return dir;
}

// The exit string of a proc that ended without exits (a host program, or a crash).
std::string host_status(const siginfo_t& si) {
  if (si.si_code == CLD_EXITED) return si.si_status == 0 ? "" : std::to_string(si.si_status);
  return fmt::format("killed by host signal {}", sigabbrev_np(si.si_status));
}

struct FirstProc {
  bool done = false;
  bool entered = false;
  int code = 0;  // its Linux exit code
  std::string msg;
  int64_t exited_at = 0;
};

// Records the death of child `si.si_pid` (still a zombie) and reaps it.
void finish(const siginfo_t& si, FirstProc& first) {
  const pid_t pid = si.si_pid;
  int index = -1;
  for (int tries = 0; tries < 1000 && index < 0; ++tries) {
    for (int i = 0; i < kMaxProcs; ++i) {
      const Slot& s = g_session->slot[i];
      const uint32_t st = s.state.load();
      if ((st == kSlotAlive || st == kSlotReserved) && s.pid == pid) index = i;
    }
    if (index < 0) usleep(1000);  // the parent may not have recorded the pid yet
  }
  if (index < 0) {
    waitpid(pid, nullptr, 0);
    return;
  }
  Slot& s = g_session->slot[index];
  std::string msg;
  std::string text;
  int32_t ppid = 0;
  bool entered = false;
  int64_t start = 0;
  {
    Locked l(s.lock);
    if (!s.exited) {
      const std::string m = host_status(si);
      std::snprintf(s.exitmsg, sizeof s.exitmsg, "%s", m.c_str());
      s.exited = 1;
    }
    s.state.store(kSlotDead);
    msg = s.exitmsg;
    text = s.text;
    ppid = s.ppid;
    entered = s.entered != 0;
    start = s.start_ns;
  }
  if (ppid != 0) {
    const int parent = slot_find(ppid);
    if (parent >= 0) {
      Slot& p = g_session->slot[parent];
      Locked l(p.lock);
      if (p.nwait < static_cast<uint32_t>(kMaxWaitMsgs)) {
        WaitEntry& w = p.wait[p.nwait++];
        w = WaitEntry{};
        w.pid = pid;
        const long tick = sysconf(_SC_CLK_TCK);
        w.time[0] = static_cast<uint32_t>(si.si_utime * 1000 / tick);
        w.time[1] = static_cast<uint32_t>(si.si_stime * 1000 / tick);
        w.time[2] = static_cast<uint32_t>((mono_ns() - start) / 1'000'000);
        if (!msg.empty())
          std::snprintf(w.msg, sizeof w.msg, "%s %d: %s", text.c_str(), pid, msg.c_str());
      }
      --p.nchild;
      p.waitgen.fetch_add(1);
      futex_wake(&p.waitgen, 1 << 30);
    }
  }
  for (int32_t g : s.segs)
    if (g >= 0) g_session->seg[g].refs.fetch_sub(1);
  int status = 0;
  waitpid(pid, &status, 0);
  s.state.store(kSlotFree);
  if (pid == g_session->initial_pid) {
    first.done = true;
    first.entered = entered;
    first.code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    first.msg = msg;
    first.exited_at = mono_ns();
  }
}

void reap(FirstProc& first) {
  for (;;) {
    siginfo_t si{};
    if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid == 0) return;
    finish(si, first);
  }
}

int live_procs() {
  int n = 0;
  for (const Slot& s : g_session->slot) {
    const uint32_t st = s.state.load();
    if (st == kSlotAlive || st == kSlotReserved) ++n;
  }
  return n;
}

void kill_leftovers() {
  int n = 0;
  for (Slot& s : g_session->slot) {
    Locked l(s.lock);
    siginfo_t si{};
    // Only a child of ours (alive, or a zombie not yet reaped) can hold the pid.
    if (s.state.load() == kSlotAlive && s.pid > 0 &&
        waitid(P_PID, static_cast<id_t>(s.pid), &si, WEXITED | WNOHANG | WNOWAIT) == 0) {
      kill(s.pid, SIGKILL);
      ++n;
    }
  }
  if (n > 0)
    say(fmt::format("killed {} proc{} still running after the program exited", n,
                    n == 1 ? "" : "s"));
}

// The first proc, in the child of the supervisor's fork. Never returns.
[[noreturn]] void first_proc(int slot, const AoutHeader& h, const std::vector<uint8_t>& file,
                             const std::string& host, const std::vector<std::string>& args) {
  const std::string text = args[0].substr(args[0].rfind('/') + 1);
  register_proc(slot, text, host);
  if (!setup_guest_process()) {
    say("cannot set up the guest process");
    _exit(2);
  }
  std::string why;
  if (!map_image(h, file, why)) {
    say(why);
    _exit(2);
  }
  publish_segments();
  const uint64_t sp = build_stack(args);
  if (!sud_enable()) {
    say(fmt::format("Syscall User Dispatch is not available (Linux 5.11 or later): {}",
                    strerror(errno)));
    _exit(2);
  }
  {
    Slot& s = my_slot();
    Locked l(s.lock);
    s.entered = 1;
  }
  enter_guest(h.entry, sp, up.tos);
}

}  // namespace

int run_session(const Options& opt) {
  g_prog = opt.program.substr(opt.program.rfind('/') + 1);
  for (const auto& [plan9, host] : opt.binds) add_bind(plan9, host);

  // The program is a Plan 9 name that a bind maps (-b /bin=... then /bin/echo), or a host file.
  std::string host = opt.program;
  if (Resolved r; resolve(opt.program, r) && !r.host.empty() && r.host != opt.program &&
                  access(r.host.c_str(), F_OK) == 0)
    host = r.host;
  AoutHeader h;
  std::vector<uint8_t> file;
  std::string why;
  if (!read_aout(host, h, file, why)) {
    say(why);
    return 2;
  }

  // p9run keeps its own descriptors at kFirstHostFd and above.
  if (rlimit rl{}; getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (!session_create()) {
    say(fmt::format("cannot make the session table: {}", strerror(errno)));
    return 2;
  }
  g_session->debug = opt.debug ? 1 : 0;
  const std::string env = make_env_dir();
  if (!env.empty()) add_bind("/env", env);
  g_log_fd = move_to_host_fd(fcntl(2, F_DUPFD_CLOEXEC, 0));
  if (g_log_fd < 0) g_log_fd = 2;
  devfiles_init(move_to_host_fd(fcntl(0, F_DUPFD_CLOEXEC, 0)),
                move_to_host_fd(fcntl(1, F_DUPFD_CLOEXEC, 0)));

  sigset_t watched;
  sigemptyset(&watched);
  for (int sig : {SIGCHLD, SIGINT, SIGHUP, SIGTERM, SIGQUIT}) sigaddset(&watched, sig);
  sigprocmask(SIG_BLOCK, &watched, nullptr);

  const int slot = slot_reserve();
  int32_t noteid = 0;
  {
    Slot& s = g_session->slot[slot];
    Locked l(s.lock);
    s.noteid = noteid = new_id();
    s.rgroup = new_id();
  }
  const pid_t pid = fork();
  if (pid < 0) {
    say(fmt::format("fork: {}", strerror(errno)));
    return 2;
  }
  if (pid == 0) first_proc(slot, h, file, host, opt.args);
  g_session->initial_pid = pid;
  {
    Slot& s = g_session->slot[slot];
    Locked l(s.lock);
    s.pid = pid;
    if (s.state.load() == kSlotReserved) s.state.store(kSlotAlive);
  }

  FirstProc first;
  for (;;) {
    reap(first);
    if (first.done && live_procs() == 0) break;
    timespec tick{0, 100'000'000};
    if (first.done && mono_ns() - first.exited_at > kGraceNs) {
      kill_leftovers();
      first.exited_at = mono_ns();  // warn once per grace period
    }
    siginfo_t si{};
    const int sig = sigtimedwait(&watched, &si, first.done ? &tick : nullptr);
    const char* note = sig == SIGINT    ? "interrupt"
                       : sig == SIGHUP  ? "hangup"
                       : sig == SIGQUIT ? "quit"
                       : sig == SIGTERM ? "kill"
                                        : nullptr;
    if (note == nullptr) continue;
    if (const int i = slot_find(pid); i >= 0) noteid = g_session->slot[i].noteid;
    post_note_group(noteid, note, kNUser, 0);
  }

  if (!env.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(env, ec);
  }
  if (!first.entered) return first.code == 0 ? 2 : first.code;
  if (first.msg.empty()) return 0;
  say(fmt::format("exit: {}", first.msg));
  return 1;
}

}  // namespace p9run
