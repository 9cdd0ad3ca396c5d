#include "posix/mailbox_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posix/process.h"

namespace notes::detail::mailbox {
namespace {

char error_text[256];  // the last failure, for Status::what (callers hold the registry lock)

Status fail(const char* what, const char* path, int err) noexcept {
  TextBuffer t(error_text, sizeof error_text);
  t.add(what).add(" ").add(path);
  return Status(Code::io, 0, err, error_text);
}

}  // namespace

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

bool parse_name(const char* name, long* pid, uint64_t* start, bool* bell) noexcept {
  long p = 0;
  uint64_t s = 0;
  const char* c = name;
  if (*c < '1' || *c > '9') return false;
  for (; *c >= '0' && *c <= '9'; c++) p = p * 10 + (*c - '0');
  if (*c++ != '.' || *c < '0' || *c > '9') return false;
  for (; *c >= '0' && *c <= '9'; c++) s = s * 10 + static_cast<uint64_t>(*c - '0');
  const bool is_bell = *c != '\0';
  if (is_bell && (bell == nullptr || strcmp(c, ".bell") != 0)) return false;
  if (bell != nullptr) *bell = is_bell;
  *pid = p;
  *start = s;
  return true;
}

bool bell_path(char* out, size_t size, const sockaddr_un& mailbox) noexcept {
  TextBuffer t(out, size);
  t.add(mailbox.sun_path).add(".bell");
  return t.wanted() < size;
}

Status ensure_user_dir(char* path, size_t size) noexcept {
  TextBuffer t(path, size);
  user_dir(t, geteuid());
  if (t.wanted() >= size) return fail("mailbox directory name too long:", path, 0);
  if (mkdir(path, 0700) != 0 && errno != EEXIST) {
    return fail("cannot make mailbox directory", path, errno);
  }
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    return fail("mailbox directory is not a directory of its own (a link?):", path, errno);
  }
  struct stat st;
  int r = fstat(fd, &st);
  close(fd);
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

void remove_stale(const char* dir_path) noexcept {
  DIR* dir = opendir(dir_path);
  if (dir == nullptr) return;
  while (dirent* e = readdir(dir)) {
    long pid;
    uint64_t start, now;
    bool bell;
    if (!parse_name(e->d_name, &pid, &start, &bell)) continue;
    if (process::start_time(pid, &now) && now == start) continue;
    unlinkat(dirfd(dir), e->d_name, 0);
  }
  closedir(dir);
}

}  // namespace notes::detail::mailbox
