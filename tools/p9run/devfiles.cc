// Synthetic /dev and /proc files (see devfiles.h). Formats follow 9front port/devcons.c
// (readnum: NUMSIZE-1 digits and a blank; /dev/bintime: big-endian nanoseconds, ticks and tick
// frequency) and port/devproc.c (note, notepg, ctl, noteid).
#include "devfiles.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>
#include <functional>
#include <string_view>

#include <fmt/format.h>

#include "errors.h"
#include "notes.h"
#include "plan9.h"
#include "proc.h"
#include "session.h"

namespace p9run {
namespace {

int g_stdin = 0;
int g_stdout = 1;
dev_t g_memfd_dev = 0;

constexpr std::string_view kPrefix = "p9run:";

std::string readnum(uint64_t v) {
  return fmt::format("{:>{}} ", v, kNumSize - 1);
}

std::string host_user() {
  const passwd* pw = getpwuid(getuid());
  return pw != nullptr ? pw->pw_name : "none";
}

int64_t real_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// A memfd named after what it stands for. Live files get mode 0, which marks them.
int make_memfd(std::string_view kind, int64_t arg, const std::string& plan9, bool live,
               uint32_t mode) {
  const std::string name = fmt::format("{}{}:{}:{}", kPrefix, kind, arg, plan9);
  unsigned flags = MFD_ALLOW_SEALING;
  if (mode & kOCexec) flags |= MFD_CLOEXEC;
  int fd = memfd_create(name.c_str(), flags);
  if (fd < 0) {
    set_errno_error();
    return -1;
  }
  if (live) fchmod(fd, 0);
  return fd;
}

int static_file(const Resolved& r, const std::string& content, uint32_t mode) {
  int fd = make_memfd("file", 0, r.plan9, false, mode);
  if (fd < 0) return -1;
  if (write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
    set_errno_error();
    close(fd);
    return -1;
  }
  lseek(fd, 0, SEEK_SET);
  fchmod(fd, 0444);
  fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
  return fd;
}

std::string static_content(const Resolved& r) {
  const std::string_view p = r.plan9;
  const std::string_view last = p.substr(p.rfind('/') + 1);
  if (p.starts_with("/proc/")) {
    const int slot = slot_find(r.pid);
    const Slot& s = g_session->slot[slot < 0 ? 0 : slot];
    if (last == "args") return s.text;
    // 9front procread Qstatus: text, user, state, six times, memory, priorities.
    std::string out = fmt::format("{:<27} {:<27} {:<11} ", s.text, host_user(), "Running");
    for (int i = 0; i < 6; ++i) out += readnum(0);
    out += readnum(0) + readnum(10) + readnum(10);
    return out;
  }
  if (last == "pid") return readnum(static_cast<uint64_t>(up.pid));
  if (last == "ppid") return readnum(static_cast<uint64_t>(my_slot().parentpid));
  if (last == "user" || last == "hostowner") return host_user();
  if (last == "sysname") {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return host;
  }
  if (last == "osversion") return "2000";
  if (last == "sysstat") {
    std::string out;
    for (long cpu = 0, n = sysconf(_SC_NPROCESSORS_ONLN); cpu < n; ++cpu) {
      out += readnum(static_cast<uint64_t>(cpu));
      for (int i = 0; i < 9; ++i) out += readnum(0);
      out += '\n';
    }
    return out;
  }
  if (last == "swap") {
    const auto pages = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES));
    return fmt::format("{} memory\n{} pagesize\n0 kernel\n0/{} user\n0/0 swap\n", pages * kPageSize,
                       kPageSize, pages);
  }
  return "";
}

// What a synthetic descriptor is, from its memfd name.
struct Live {
  std::string kind;
  int64_t arg = 0;
  std::string plan9;
};

bool parse_live(int fd, Live& out) {
  char link[512];
  const std::string self = fmt::format("/proc/self/fd/{}", fd);
  const ssize_t n = readlink(self.c_str(), link, sizeof link - 1);
  if (n <= 0) return false;
  std::string_view s(link, static_cast<size_t>(n));
  constexpr std::string_view kMemfd = "/memfd:";
  if (!s.starts_with(kMemfd)) return false;
  s.remove_prefix(kMemfd.size());
  if (!s.starts_with(kPrefix)) return false;
  s.remove_prefix(kPrefix.size());
  if (s.ends_with(" (deleted)")) s.remove_suffix(10);
  const size_t a = s.find(':');
  const size_t b = a == std::string_view::npos ? a : s.find(':', a + 1);
  if (b == std::string_view::npos) return false;
  out.kind = s.substr(0, a);
  std::from_chars(s.data() + a + 1, s.data() + b, out.arg);
  out.plan9 = s.substr(b + 1);
  return true;
}

long copy_out(const std::string& s, uint64_t off, uint8_t* buf, size_t n) {
  if (off >= s.size()) return 0;
  const size_t k = std::min(n, s.size() - off);
  std::memcpy(buf, s.data() + off, k);
  return static_cast<long>(k);
}

void put_be64(uint8_t* b, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
}

long fail(const char* msg) {
  set_error(msg);
  return -1;
}

// 9front procread Qnote: reading takes the oldest note off the queue; it is never delivered.
long read_note(int32_t pid, uint8_t* buf, size_t n) {
  const int slot = slot_find(pid);
  if (slot < 0) return fail(err::kProcdied);
  if (n < 1) return fail("read or write too small");
  Slot& s = g_session->slot[slot];
  Locked l(s.lock);
  if (s.nnote == 0) return 0;
  const size_t len = std::min(std::strlen(s.note[0].msg) + 1, n);
  std::memcpy(buf, s.note[0].msg, len - 1);
  buf[len - 1] = 0;
  --s.nnote;
  std::memmove(&s.note[0], &s.note[1], s.nnote * sizeof(NoteEntry));
  return static_cast<long>(len);
}

long write_ctl(int32_t pid, std::string_view msg) {
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.remove_suffix(1);
  const int slot = slot_find(pid);
  if (slot < 0) return fail(err::kProcdied);
  if (msg == "kill") {
    if (!kill_proc(slot)) return fail(err::kProcdied);
    return 0;
  }
  Slot& s = g_session->slot[slot];
  if (msg == "interrupt") {  // 9front: interrupt a blocked call without posting a note
    s.notepending.store(1);
    s.notegen.fetch_add(1);
    futex_wake(&s.notegen, 1 << 30);
    return 0;
  }
  if (msg == "nointerrupt") {
    Locked l(s.lock);
    if (s.nnote > 0) return fail("notes pending");
    s.notepending.store(0);
    return 0;
  }
  for (std::string_view ok : {"hang", "nohang", "noswap", "private", "wired", "pri", "start",
                              "stop", "waitstop", "close", "closefiles"}) {
    if (msg.starts_with(ok)) return 0;
  }
  return fail(err::kBadctl);
}

}  // namespace

void devfiles_init(int stdin_fd, int stdout_fd) {
  g_stdin = stdin_fd;
  g_stdout = stdout_fd;
  int probe = memfd_create("p9run probe", MFD_CLOEXEC);
  struct stat st {};
  if (probe >= 0 && fstat(probe, &st) == 0) g_memfd_dev = st.st_dev;
  if (probe >= 0) close(probe);
}

int open_special(const Resolved& r, uint32_t mode) {
  const uint32_t acc = mode & 3;
  const bool cexec = (mode & kOCexec) != 0;
  auto dup_low = [cexec](int fd) {
    int d = fcntl(fd, cexec ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
    if (d < 0) set_errno_error();
    return d;
  };
  switch (r.special) {
    case Special::kNone: break;
    case Special::kCons:
      if (acc == kORead || acc == kOExec) return dup_low(g_stdin);
      if (acc == kORdwr) {
        int fd = open("/dev/tty", O_RDWR | O_NOCTTY | (cexec ? O_CLOEXEC : 0));
        if (fd >= 0) return fd;
      }
      return dup_low(g_stdout);
    case Special::kFd: {
      if (r.fd >= kFirstHostFd) return fail(err::kNonexist);
      int d = dup_low(r.fd);
      if (d < 0) set_error(err::kNonexist);
      return d;
    }
    case Special::kStatic: return static_file(r, static_content(r), mode);
    case Special::kProcText: {
      const int slot = slot_find(r.pid);
      if (slot < 0) return fail(err::kProcdied);
      int fd = open(g_session->slot[slot].aout, O_RDONLY | (cexec ? O_CLOEXEC : 0));
      if (fd < 0) set_errno_error();
      return fd;
    }
    case Special::kProcDir: return fail(err::kPerm);
    case Special::kConsctl: return make_memfd("consctl", 0, r.plan9, true, mode);
    case Special::kTime: return make_memfd("time", 0, r.plan9, true, mode);
    case Special::kBintime: return make_memfd("bintime", 0, r.plan9, true, mode);
    case Special::kNote: return make_memfd("note", r.pid, r.plan9, true, mode);
    case Special::kCtl: return make_memfd("ctl", r.pid, r.plan9, true, mode);
    case Special::kNoteid: return make_memfd("noteid", r.pid, r.plan9, true, mode);
    case Special::kNotepg: {
      // 9front procopen: notepg must be opened for writing; the group is fixed at open.
      if (acc != kOWrite) return fail(err::kPerm);
      const int slot = slot_find(r.pid);
      if (slot < 0) return fail(err::kProcdied);
      return make_memfd("notepg", g_session->slot[slot].noteid, r.plan9, true, mode);
    }
  }
  return fail(err::kNonexist);
}

bool special_read(int fd, const struct stat& st, uint8_t* buf, size_t n, long& result) {
  if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != 0 || st.st_dev != g_memfd_dev) return false;
  Live f;
  if (!parse_live(fd, f)) return false;
  const off_t off = lseek(fd, 0, SEEK_CUR);
  if (f.kind == "bintime") {
    const int64_t ns = real_ns();
    uint8_t tmp[24];
    put_be64(tmp, static_cast<uint64_t>(ns));
    put_be64(tmp + 8, static_cast<uint64_t>(ns));
    put_be64(tmp + 16, 1'000'000'000);
    result = n >= 24 ? 24 : n >= 16 ? 16 : n >= 8 ? 8 : 0;
    std::memcpy(buf, tmp, static_cast<size_t>(result));
    return true;
  }
  if (f.kind == "time") {
    const int64_t ns = real_ns();
    const std::string s = fmt::format("{:>{}} {:>21} {:>21} {:>21} ", ns / 1'000'000'000,
                                      kNumSize - 1, ns, ns, 1'000'000'000);
    result = copy_out(s, static_cast<uint64_t>(off), buf, n);
    lseek(fd, off + result, SEEK_SET);
    return true;
  }
  if (f.kind == "note") {
    result = read_note(static_cast<int32_t>(f.arg), buf, n);
    return true;
  }
  if (f.kind == "noteid") {
    const int slot = slot_find(static_cast<int32_t>(f.arg));
    if (slot < 0) {
      result = fail(err::kProcdied);
      return true;
    }
    result = copy_out(readnum(static_cast<uint64_t>(g_session->slot[slot].noteid)),
                      static_cast<uint64_t>(off), buf, n);
    lseek(fd, off + result, SEEK_SET);
    return true;
  }
  result = fail(err::kPerm);  // ctl, notepg, consctl are write-only
  return true;
}

bool special_write(int fd, const struct stat& st, const uint8_t* buf, size_t n, long& result) {
  if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != 0 || st.st_dev != g_memfd_dev) return false;
  Live f;
  if (!parse_live(fd, f)) return false;
  const std::string_view msg(reinterpret_cast<const char*>(buf), n);
  result = static_cast<long>(n);
  if (f.kind == "note") {
    // 9front procwrite Qnote: n >= ERRMAX is too big; a full queue is "note not posted".
    if (n >= static_cast<size_t>(kErrMax)) {
      result = fail(err::kToobig);
    } else {
      const int slot = slot_find(static_cast<int32_t>(f.arg));
      if (slot < 0)
        result = fail(err::kProcdied);
      else if (!post_note(slot, msg, kNUser))
        result = fail(err::kNotPosted);
    }
  } else if (f.kind == "notepg") {
    if (n >= static_cast<size_t>(kErrMax))
      result = fail(err::kToobig);
    else
      post_note_group(static_cast<int32_t>(f.arg), msg, kNUser, up.pid);
  } else if (f.kind == "ctl") {
    if (write_ctl(static_cast<int32_t>(f.arg), msg) < 0) result = -1;
  } else if (f.kind == "noteid") {
    int32_t id = 0;
    const int slot = slot_find(static_cast<int32_t>(f.arg));
    std::from_chars(msg.data(), msg.data() + msg.size(), id);
    if (slot < 0) {
      result = fail(err::kProcdied);
    } else if (id <= 0) {
      result = fail(err::kBadarg);
    } else {
      Locked l(g_session->slot[slot].lock);
      g_session->slot[slot].noteid = id;
    }
  } else if (f.kind != "consctl") {
    result = fail(err::kPerm);
  }
  return true;
}

std::string special_name(int fd) {
  Live f;
  return parse_live(fd, f) ? f.plan9 : std::string();
}

Dir special_dir(const Resolved& r) {
  Dir d;
  d.type = 'c';
  d.name = r.plan9.substr(r.plan9.rfind('/') + 1);
  if (d.name.empty()) d.name.push_back('/');
  d.uid = d.gid = d.muid = host_user();
  d.mode = 0644;
  d.atime = d.mtime = static_cast<uint32_t>(real_ns() / 1'000'000'000);
  d.qid_path = std::hash<std::string>{}(r.plan9);
  if (r.special == Special::kProcDir) {
    d.mode = kDMDir | 0555;
    d.qid_type = kQTDir;
  } else if (r.special == Special::kStatic) {
    d.mode = 0444;
    d.length = static_content(r).size();
  }
  return d;
}

}  // namespace p9run
