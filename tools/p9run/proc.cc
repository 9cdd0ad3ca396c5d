// Starting, forking and ending guest procs (see proc.h for why a proc is a Linux process).
#include "proc.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

#include "faults.h"
#include "loader.h"
#include "notes.h"
#include "sud.h"
#include "syscalls.h"

namespace p9run {

Up up;
int g_log_fd = 2;

void log_line(std::string_view msg) {
  if (write(g_log_fd, msg.data(), msg.size()) < 0) {
  }
}

namespace {

void copy_str(char* dst, size_t cap, std::string_view s) {
  const size_t n = std::min(s.size(), cap - 1);
  std::memcpy(dst, s.data(), n);
  dst[n] = 0;
}

void on_alarm_signal(int, siginfo_t*, void* ctx) {
  HostCode host;
  post_note(up.slot, "alarm", kNUser);  // posted by the kernel: lost if the queue is full
  if (host.from_guest()) notify(static_cast<ucontext_t*>(ctx));
}

// A copy of shared segment `index` in a new memfd (rfork without RFMEM: "the child inherits a
// copy of those segments"). Made by the parent before the fork, so that the copy is the memory
// as it was at the rfork, whatever the parent does next. Returns the new segment or -1.
int copy_segment(int index) {
  const SharedSeg& old = g_session->seg[index];
  const int fresh = seg_alloc();
  if (fresh < 0) return -1;
  const uint64_t size = old.size.load();
  const int fd = move_to_host_fd(memfd_create("p9run data", MFD_CLOEXEC));
  bool ok = fd >= 0 && ftruncate(fd, static_cast<off_t>(size)) == 0;
  // Copy only the pages that hold data: a Go heap reserves far more with brk than it touches,
  // and reading a hole through the mapping would allocate it.
  for (off_t pos = 0; ok && static_cast<uint64_t>(pos) < size;) {
    const off_t data = lseek(old.fd, pos, SEEK_DATA);
    if (data < 0 || static_cast<uint64_t>(data) >= size) break;
    off_t hole = lseek(old.fd, data, SEEK_HOLE);
    if (hole < 0 || static_cast<uint64_t>(hole) > size) hole = static_cast<off_t>(size);
    for (off_t at = data; ok && at < hole;) {
      const ssize_t n = pwrite(fd, reinterpret_cast<const char*>(old.base) + at,
                               static_cast<size_t>(hole - at), at);
      ok = n > 0;
      at += ok ? n : 0;
    }
    pos = hole;
  }
  if (!ok) {
    if (fd >= 0) close(fd);
    g_session->seg[fresh].refs.store(0);
    return -1;
  }
  SharedSeg& s = g_session->seg[fresh];
  s.base = old.base;
  s.reserve = old.reserve;
  s.fd = fd;
  s.size.store(size);
  return fresh;
}

// Maps copy `fresh` over this process's view of the segment it copies.
void map_copy(int fresh) {
  const SharedSeg& s = g_session->seg[fresh];
  if (mmap(reinterpret_cast<void*>(s.base), s.reserve, PROT_READ | PROT_WRITE,
           MAP_SHARED | MAP_FIXED | MAP_NORESERVE, s.fd, 0) == MAP_FAILED) {
    pprint("rfork: cannot map the copied memory");
    pexit("rfork: cannot map the copied memory");
  }
}

}  // namespace

Slot& my_slot() {
  return g_session->slot[up.slot];
}

void pprint(const char* msg) {
  const auto line = fmt::format("{} {}: {}\n", up.text, up.pid, msg);
  if (write(2, line.data(), line.size()) < 0) {
  }
}

void pexit(const char* msg) {
  Slot& s = my_slot();
  s.lock.lock();
  copy_str(s.exitmsg, sizeof s.exitmsg, msg != nullptr ? msg : "");
  s.exited = 1;
  s.nnote = 0;
  s.notify = 0;
  s.lock.unlock();
  // The raw call: nothing of the host's libc (or a sanitizer's run-time) runs in a proc.
  syscall(SYS_exit_group, msg != nullptr && *msg != 0 ? 1 : 0);
  __builtin_unreachable();
}

bool setup_guest_process() {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // Host job-control signals reach the supervisor, which turns them into notes for the note
  // group; a proc must not die of the terminal's copy.
  for (int sig : {SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGPIPE}) signal(sig, SIG_IGN);
  signal(SIGCHLD, SIG_DFL);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != g_session->supervisor_pid) return false;
  return setup_altstack() && install_handler(SIGSYS, on_sigsys) && install_fault_handlers() &&
         install_handler(kDoorbell, on_doorbell) && install_handler(SIGALRM, on_alarm_signal);
}

void register_proc(int slot, std::string_view text, std::string_view aout) {
  up.slot = slot;
  up.pid = getpid();
  up.text = std::string(text);
  up.aout_path = std::string(aout);
  Slot& s = my_slot();
  Locked l(s.lock);
  s.pid = up.pid;
  copy_str(s.text, sizeof s.text, text);
  copy_str(s.aout, sizeof s.aout, aout);
  s.start_ns = mono_ns();
  s.state.store(kSlotAlive);
}

bool ForkCopy::make() {
  data_seg = up.data_seg < 0 ? -1 : copy_segment(up.data_seg);
  if (up.data_seg >= 0 && data_seg < 0) return false;
  for (int i = 0; i < kMaxAttach; ++i) {
    attached[i] = up.attached[i] < 0 ? -1 : copy_segment(up.attached[i]);
    if (up.attached[i] >= 0 && attached[i] < 0) return false;
  }
  return true;
}

void ForkCopy::release(bool close_fds) {
  auto drop = [close_fds](int index) {
    if (index < 0) return;
    SharedSeg& s = g_session->seg[index];
    if (close_fds) close(s.fd);
    s.refs.store(0);
  };
  drop(data_seg);
  for (int a : attached) drop(a);
}

void publish_segments() {
  Slot& s = my_slot();
  Locked l(s.lock);
  s.segs[0] = up.data_seg;
  for (int i = 0; i < kMaxAttach; ++i) s.segs[i + 1] = up.attached[i];
}

void share_segments(int delta) {
  if (up.data_seg >= 0) g_session->seg[up.data_seg].refs.fetch_add(static_cast<uint32_t>(delta));
  for (int a : up.attached)
    if (a >= 0) g_session->seg[a].refs.fetch_add(static_cast<uint32_t>(delta));
}

void ForkCopy::close_in_parent() {
  if (data_seg >= 0) close(g_session->seg[data_seg].fd);
  for (int a : attached)
    if (a >= 0) close(g_session->seg[a].fd);
}

void after_rfork(int slot, uint32_t flags, const ForkCopy* copy) {
  up.slot = slot;
  up.pid = static_cast<int32_t>(syscall(SYS_getpid));
  {
    Slot& s = my_slot();
    Locked l(s.lock);
    s.pid = up.pid;
    s.state.store(kSlotAlive);
  }
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != g_session->supervisor_pid) syscall(SYS_exit_group, 1);
  if (!sud_enable()) pexit("rfork: cannot enable syscall user dispatch");
  if (copy != nullptr) {
    if (copy->data_seg >= 0) map_copy(copy->data_seg);
    up.data_seg = copy->data_seg;
    for (int i = 0; i < kMaxAttach; ++i) {
      if (copy->attached[i] >= 0) map_copy(copy->attached[i]);
      up.attached[i] = copy->attached[i];
    }
  }
  publish_segments();
  if (flags & kRFCFdg) close_range(0, kFirstHostFd - 1, 0);
  reinterpret_cast<Tos*>(up.tos)->pid = static_cast<uint32_t>(up.pid);
  up.notified = false;
  up.ureg = 0;
}

}  // namespace p9run
