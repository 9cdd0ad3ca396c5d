// Proc system calls: rfork, exec, exits, await, errstr, notify, noted.
//
// rfork(RFPROC) is a raw clone without CLONE_VM (proc.h says why), with CLONE_FILES unless
// RFFDG/RFCFDG and CLONE_PARENT so that the supervisor reaps every proc and turns its exit
// string into the parent's wait message (9front port/sysproc.c sysrfork, pexit). exec replaces
// the image in place, as 9front sysexec does, including "#!" interpreter lines; a host program
// (an ELF file) is run with the host's execve instead, so that rc can start Linux commands.
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "errors.h"
#include "guestmem.h"
#include "loader.h"
#include "namespace.h"
#include "notes.h"
#include "plan9.h"
#include "proc.h"
#include "session.h"
#include "sud.h"
#include "syscalls.h"

namespace p9run {
namespace {

constexpr size_t kMaxArgBytes = 1 << 20;

std::string last_element(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

// Reads the nil-terminated argv array at `argv`. False (call failed) on a bad pointer.
bool read_argv(Call& c, uint64_t argv, std::vector<std::string>& out) {
  size_t total = 0;
  for (;; argv += 8) {
    if (!guest_ok(argv, 8, Access::kRead)) {
      bad_address(c, argv, 8);
      return false;
    }
    const uint64_t p = *guest_ptr<const uint64_t>(argv);
    if (p == 0) return true;
    std::string arg;
    if (!guest_string(p, kMaxArgBytes, arg)) {
      bad_address(c, p, 1);
      return false;
    }
    total += arg.size() + 1;
    if (total >= kUStkSize / 2) {
      c.fail(err::kNovmem);
      return false;
    }
    out.push_back(std::move(arg));
  }
}

// 9front shargs: the words of a "#!" line.
std::vector<std::string> shell_words(std::string_view line) {
  std::vector<std::string> words;
  line.remove_prefix(2);
  if (const size_t nl = line.find('\n'); nl != std::string_view::npos) line = line.substr(0, nl);
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) words.emplace_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

// Runs host program `host` in place of this proc.
void exec_host(Call& c, const std::string& host, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  sud_disable();
  for (int sig : {SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGPIPE}) signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execv(host.c_str(), argv.data());
  const int e = errno;
  sigset_t blocked = async_signals();
  sigprocmask(SIG_BLOCK, &blocked, nullptr);
  for (int sig : {SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGPIPE}) signal(sig, SIG_IGN);
  sud_enable();
  errno = e;
  c.fail_errno();
}

// Formats like Plan 9's %q: quoted when empty or holding blanks or quotes.
std::string quoted(std::string_view s) {
  bool need = s.empty();
  for (char ch : s)
    if (static_cast<unsigned char>(ch) <= ' ' || ch == '\'') need = true;
  if (!need) return std::string(s);
  std::string out = "'";
  for (char ch : s) {
    out += ch;
    if (ch == '\'') out += '\'';
  }
  return out + "'";
}

}  // namespace

void sys_rfork(Call& c) {
  const uint32_t flags = c.u32(0);
  if ((flags & (kRFFdg | kRFCFdg)) == (kRFFdg | kRFCFdg) ||
      (flags & (kRFNameg | kRFCNameg)) == (kRFNameg | kRFCNameg) ||
      (flags & (kRFEnvg | kRFCEnvg)) == (kRFEnvg | kRFCEnvg))
    return c.fail(err::kBadarg);
  Slot& me = my_slot();
  if ((flags & kRFProc) == 0) {
    if (flags & (kRFMem | kRFNowait)) return c.fail(err::kBadarg);
    if (flags & (kRFFdg | kRFCFdg)) {
      if (unshare(CLONE_FILES) != 0) return c.fail_errno();
      if (flags & kRFCFdg) close_range(0, kFirstHostFd - 1, 0);
    }
    Locked l(me.lock);
    if (flags & kRFRend) me.rgroup = new_id();
    if (flags & kRFNoteg) me.noteid = new_id();
    c.ret = 0;
    return;
  }

  const int slot = slot_reserve();
  if (slot < 0) return c.fail(err::kNoprocs);
  Slot& s = g_session->slot[slot];
  {
    Locked l(me.lock);
    Locked k(s.lock);
    s.ppid = (flags & kRFNowait) ? 0 : up.pid;
    s.parentpid = up.pid;
    s.noteid = (flags & kRFNoteg) ? new_id() : me.noteid;
    s.rgroup = (flags & kRFRend) ? new_id() : me.rgroup;
    s.notify = up.notify;
    std::memcpy(s.text, me.text, sizeof s.text);
    std::memcpy(s.aout, me.aout, sizeof s.aout);
    s.start_ns = mono_ns();
    s.entered = 1;
    if ((flags & kRFNowait) == 0) ++me.nchild;
  }
  const bool share_fds = (flags & (kRFFdg | kRFCFdg)) == 0;
  auto undo = [&](const char* why) {
    {
      Locked l(me.lock);
      if ((flags & kRFNowait) == 0) --me.nchild;
    }
    s.state.store(kSlotFree);
    c.fail(why);
  };
  ForkCopy copy;
  const bool private_mem = (flags & kRFMem) == 0;
  if (private_mem && !copy.make()) {
    copy.release(true);
    return undo(err::kNovmem);
  }
  if (!private_mem) share_segments(1);
  unsigned long clone_flags = CLONE_PARENT | SIGCHLD;
  if (share_fds) clone_flags |= CLONE_FILES;
  const long pid = syscall(SYS_clone, clone_flags, 0, nullptr, nullptr, 0);
  c.notify = false;  // 9front delivers no notes on the return from rfork
  if (pid == 0) {
    after_rfork(slot, flags, private_mem ? &copy : nullptr);
    c.ret = 0;
    return;
  }
  if (pid < 0) {
    const std::string why = plan9_error(errno);
    if (private_mem)
      copy.release(true);
    else
      share_segments(-1);
    return undo(why.c_str());
  }
  if (private_mem && !share_fds) copy.close_in_parent();
  {
    Locked l(s.lock);
    s.pid = static_cast<int32_t>(pid);
    if (s.state.load() == kSlotReserved) s.state.store(kSlotAlive);
  }
  c.ret = pid;
}

void sys_exec(Call& c) {
  std::string name;
  if (!guest_string(c.u64(0), 4096, name)) return bad_address(c, c.u64(0), 1);
  std::vector<std::string> args;
  if (!read_argv(c, c.u64(1), args)) return;
  if (args.empty()) return c.fail(err::kBadarg);

  Resolved r;
  if (!resolve(name, r)) return c.fail(up.errstr);
  if (r.special != Special::kNone) return c.fail(err::kPerm);
  std::string host = r.host;
  std::string elem = last_element(r.plan9);

  // A "#!" line names an interpreter: argv becomes elem, its words after the first, the file,
  // then the old argv[1...] (9front sysexec, shargs).
  for (int indirect = 0;; ++indirect) {
    if (access(host.c_str(), X_OK) != 0) return c.fail_errno();
    char head[256] = {};
    const int fd = open(host.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return c.fail_errno();
    const ssize_t n = read(fd, head, sizeof head - 1);
    close(fd);
    if (n >= 2 && head[0] == '#' && head[1] == '!' && indirect == 0) {
      auto words = shell_words(std::string_view(head, static_cast<size_t>(n)));
      if (words.empty()) return c.fail(err::kBadexec);
      Resolved ir;
      if (!resolve(words[0], ir) || ir.special != Special::kNone) return c.fail(err::kBadexec);
      std::vector<std::string> nargs{elem};
      nargs.insert(nargs.end(), words.begin() + 1, words.end());
      nargs.push_back(name);
      nargs.insert(nargs.end(), args.begin() + 1, args.end());
      args = std::move(nargs);
      host = ir.host;
      continue;
    }
    if (n >= 4 && std::memcmp(head,
                              "\x7f"
                              "ELF",
                              4) == 0)
      return exec_host(c, host, args);
    break;
  }

  AoutHeader h;
  std::vector<uint8_t> file;
  std::string why;
  if (!read_aout(host, h, file, why)) return c.fail(err::kBadexec);

  // Committed: 9front closes OCEXEC descriptors, frees the old segments and drops notes.
  for (int fd = 0; fd < kFirstHostFd; ++fd) {
    const int fl = fcntl(fd, F_GETFD);
    if (fl >= 0 && (fl & FD_CLOEXEC)) close(fd);
  }
  unmap_image();
  const bool mapped = map_image(h, file, why);
  publish_segments();
  if (!mapped) {
    pprint(fmt::format("exec {}: {}", name, why).c_str());
    pexit(why.c_str());
  }
  up.text = elem;
  up.aout_path = host;
  {
    Slot& s = my_slot();
    Locked l(s.lock);
    std::snprintf(s.text, sizeof s.text, "%s", elem.c_str());
    std::snprintf(s.aout, sizeof s.aout, "%s", host.c_str());
  }
  reset_notes();
  up.errstr[0] = 0;
  const uint64_t sp = build_stack(args);

  auto& g = c.uc->uc_mcontext.gregs;
  for (int i = REG_R8; i <= REG_RCX; ++i) g[i] = 0;
  g[REG_RSP] = static_cast<greg_t>(sp);
  g[REG_RIP] = static_cast<greg_t>(h.entry);
  g[REG_RAX] = static_cast<greg_t>(up.tos);
  g[REG_EFL] = 0x202;
  if (c.uc->uc_mcontext.fpregs != nullptr) {
    c.uc->uc_mcontext.fpregs->cwd = 0x232;
    c.uc->uc_mcontext.fpregs->mxcsr = 0x1900;
  }
  c.set_ret = false;
  c.notify = false;
}

void sys_exits(Call& c) {
  std::string msg;
  const uint64_t p = c.u64(0);
  if (p != 0 && !guest_string(p, kErrMax - 1, msg)) {
    // 9front sysexits: an unterminated string is cut at ERRMAX-1; a bad one is "invalid".
    if (guest_ok(p, kErrMax - 1, Access::kRead))
      msg.assign(guest_ptr<const char>(p), kErrMax - 1);
    else
      msg = "invalid exit string";
  }
  pexit(msg.c_str());
}

void sys_await(Call& c) {
  const uint64_t buf = c.u64(0);
  const uint32_t n = c.u32(1);
  if (!guest_ok(buf, n, Access::kWrite)) return bad_address(c, buf, n);
  Slot& s = my_slot();
  for (;;) {
    WaitEntry w{};
    bool got = false;
    uint32_t gen = 0;
    {
      Locked l(s.lock);
      if (s.nwait > 0) {
        w = s.wait[0];
        --s.nwait;
        std::memmove(&s.wait[0], &s.wait[1], s.nwait * sizeof(WaitEntry));
        got = true;
      } else if (s.nchild <= 0) {
        return c.fail(err::kNochild);
      }
      gen = s.waitgen.load();
    }
    if (got) {
      const std::string text =
          fmt::format("{} {} {} {} {}", w.pid, w.time[0], w.time[1], w.time[2], quoted(w.msg));
      const size_t k = n == 0 ? 0 : std::min<size_t>(text.size(), n - 1);
      std::memcpy(guest_ptr<char>(buf), text.data(), k);
      if (n > 0) guest_ptr<char>(buf)[k] = 0;
      c.ret = static_cast<int64_t>(k);
      return;
    }
    if (wait_or_note(&s.waitgen, gen, -1) == Wake::kInterrupted) return c.fail(err::kIntr);
  }
}

namespace {

// 9front generrstr: swap the proc's error string with the caller's buffer.
void swap_errstr(Call& c, uint64_t buf, uint32_t n) {
  if (n == 0) return c.fail(err::kBadarg);
  if (n > static_cast<uint32_t>(kErrMax)) n = kErrMax;
  if (!guest_ok(buf, n, Access::kWrite)) return bad_address(c, buf, n);
  char* user = guest_ptr<char>(buf);
  char incoming[kErrMax] = {};
  std::memcpy(incoming, user, n);
  incoming[n - 1] = 0;
  const size_t k = std::min<size_t>(std::strlen(up.errstr), n - 1);
  std::memcpy(user, up.errstr, k);
  user[k] = 0;
  std::memcpy(up.errstr, incoming, sizeof incoming);
  c.ret = 0;
}

}  // namespace

void sys_errstr(Call& c) {
  swap_errstr(c, c.u64(0), c.u32(1));
}
void sys_errstr_old(Call& c) {
  swap_errstr(c, c.u64(0), 64);
}

void sys_notify(Call& c) {
  const uint64_t fn = c.u64(0);
  if (fn != 0 && !guest_ok(fn, 1, Access::kRead)) return bad_address(c, fn, 1);
  set_note_handler(fn);
  c.ret = 0;
}

void sys_noted(Call& c) {
  noted(c.uc, c.u32(0));
  c.set_ret = false;
}

}  // namespace p9run
