#include "posix/process.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <new>

#include "common/text.h"

#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
#include <sys/sysctl.h>
#include <sys/user.h>
#define NOTES_HAVE_KINFO_PROC 1
#else
#define NOTES_HAVE_KINFO_PROC 0
#endif

namespace notes::detail::process {
namespace {

#if !NOTES_HAVE_KINFO_PROC
// Reads /proc/<pid>/stat and returns the fields after the command name (which may hold spaces
// and parentheses, so the text is taken after the last ')'). Field 3 (state) comes first.
bool read_stat(long pid, char* buf, size_t size, const char** rest) noexcept {
  char path[64];
  TextBuffer p(path, sizeof path);
  p.add("/proc/").add(static_cast<int64_t>(pid)).add("/stat");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  const char* close_paren = nullptr;
  for (ssize_t i = 0; i < n; i++) {
    if (buf[i] == ')') close_paren = buf + i;
  }
  if (close_paren == nullptr || close_paren[1] != ' ') return false;
  *rest = close_paren + 2;
  return true;
}

// The `index`th space-separated field of `s` (0-based) as a number.
bool field(const char* s, int index, uint64_t* out) noexcept {
  for (int i = 0; i < index; i++) {
    while (*s && *s != ' ') s++;
    if (*s == '\0') return false;
    s++;
  }
  uint64_t v = 0;
  bool any = false;
  for (; *s >= '0' && *s <= '9'; s++, any = true) v = v * 10 + static_cast<uint64_t>(*s - '0');
  *out = v;
  return any;
}
#else
bool kinfo(long pid, kinfo_proc* kp) noexcept {
  int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, static_cast<int>(pid)};
  size_t len = sizeof *kp;
  return sysctl(mib, 4, kp, &len, nullptr, 0) == 0 && len == sizeof *kp;
}
#endif

}  // namespace

bool start_time(long pid, uint64_t* out) noexcept {
#if NOTES_HAVE_KINFO_PROC
  kinfo_proc kp;
  if (!kinfo(pid, &kp)) return false;
#if defined(__APPLE__)
  *out = static_cast<uint64_t>(kp.kp_proc.p_starttime.tv_sec) * 1000000 +
         static_cast<uint64_t>(kp.kp_proc.p_starttime.tv_usec);
#else
  *out = static_cast<uint64_t>(kp.ki_start.tv_sec) * 1000000 +
         static_cast<uint64_t>(kp.ki_start.tv_usec);
#endif
  return true;
#else
  char buf[1024];
  const char* rest;
  // Field 22 (starttime) is the 20th after the command name.
  return read_stat(pid, buf, sizeof buf, &rest) && field(rest, 19, out);
#endif
}

bool owner(long pid, uid_t* out) noexcept {
#if NOTES_HAVE_KINFO_PROC
  kinfo_proc kp;
  if (!kinfo(pid, &kp)) return false;
#if defined(__APPLE__)
  *out = kp.kp_eproc.e_ucred.cr_uid;
#else
  *out = kp.ki_uid;
#endif
  return true;
#else
  char path[64];
  TextBuffer p(path, sizeof path);
  p.add("/proc/").add(static_cast<int64_t>(pid));
  struct stat st;
  if (stat(path, &st) != 0) return false;
  *out = st.st_uid;
  return true;
#endif
}

#if !NOTES_HAVE_KINFO_PROC
namespace {

// Calls fn(pid, arg) for each process whose stat field `index` (counted after the command
// name) equals `value`.
bool for_each_with_field(int index, long value, void (*fn)(long pid, void* arg),
                         void* arg) noexcept {
  DIR* dir = opendir("/proc");
  if (dir == nullptr) return false;
  while (dirent* e = readdir(dir)) {
    long pid = 0;
    const char* s = e->d_name;
    if (*s < '1' || *s > '9') continue;
    for (; *s >= '0' && *s <= '9'; s++) pid = pid * 10 + (*s - '0');
    if (*s != '\0') continue;
    char buf[1024];
    const char* rest;
    uint64_t v;
    if (read_stat(pid, buf, sizeof buf, &rest) && field(rest, index, &v) &&
        static_cast<long>(v) == value) {
      fn(pid, arg);
    }
  }
  closedir(dir);
  return true;
}

}  // namespace
#endif

bool for_each_child(long parent, void (*fn)(long pid, void* arg), void* arg) noexcept {
#if NOTES_HAVE_KINFO_PROC
  (void)parent, (void)fn, (void)arg;
  return false;
#else
  return for_each_with_field(1, parent, fn, arg);  // field 4: ppid
#endif
}

bool for_each_in_group(long group, void (*fn)(long pid, void* arg), void* arg) noexcept {
#if NOTES_HAVE_KINFO_PROC
  int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PGRP, static_cast<int>(group)};
  size_t len = 0;
  if (sysctl(mib, 4, nullptr, &len, nullptr, 0) != 0) return false;
  len += 16 * sizeof(kinfo_proc);
  auto* procs = new (std::nothrow) kinfo_proc[len / sizeof(kinfo_proc)];
  if (procs == nullptr) return false;
  bool ok = sysctl(mib, 4, procs, &len, nullptr, 0) == 0;
  for (size_t i = 0; ok && i < len / sizeof(kinfo_proc); i++) {
#if defined(__APPLE__)
    fn(procs[i].kp_proc.p_pid, arg);
#else
    fn(procs[i].ki_pid, arg);
#endif
  }
  delete[] procs;
  return ok;
#else
  return for_each_with_field(2, group, fn, arg);   // field 5: pgrp
#endif
}

}  // namespace notes::detail::process
