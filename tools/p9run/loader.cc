// The a.out loader (see loader.h).
#include "loader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "plan9.h"
#include "proc.h"
#include "session.h"

namespace p9run {
namespace {

constexpr uint64_t kDataReserve = 64ull << 30;  // address space for data+bss+brk

uint64_t round_up(uint64_t v, uint64_t a) {
  return (v + a - 1) & ~(a - 1);
}

void* map_fixed(uint64_t addr, uint64_t len, int prot, int flags, int fd) {
  void* want = reinterpret_cast<void*>(addr);
  void* p = mmap(want, len, prot, flags | MAP_FIXED_NOREPLACE, fd, 0);
  if (p != MAP_FAILED && p != want) {  // kernels before 4.17 ignore MAP_FIXED_NOREPLACE
    munmap(p, len);
    errno = EEXIST;
    return MAP_FAILED;
  }
  return p;
}

// Stack tops to try: USTKTOP first; lower ones when the host's own stack or vDSO is there.
constexpr uint64_t kStackTops[] = {kUStkTop, 0x7ff000000000, 0x7fe000000000, 0x7e0000000000};

}  // namespace

int move_to_host_fd(int fd) {
  if (fd < 0 || fd >= kFirstHostFd) return fd;
  int moved = fcntl(fd, F_DUPFD_CLOEXEC, kFirstHostFd);
  close(fd);
  return moved;
}

bool read_aout(const std::string& host_path, AoutHeader& h, std::vector<uint8_t>& file,
               std::string& why) {
  int fd = open(host_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    why = strerror(errno);
    return false;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    why = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
    close(fd);
    return false;
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  // Only the header and the text and data images are needed; symbols are ignored.
  uint8_t hdr[kExecHeaderSize] = {};
  ssize_t n = pread(fd, hdr, sizeof hdr, 0);
  if (n < 0) {
    why = strerror(errno);
    close(fd);
    return false;
  }
  if (!parse_aout(std::span<const uint8_t>(hdr, static_cast<size_t>(n)), size, h, why)) {
    close(fd);
    return false;
  }
  const uint64_t need = kExecHeaderSize + uint64_t{h.text} + h.data;
  file.resize(need);
  uint64_t got = 0;
  while (got < need) {
    ssize_t r = pread(fd, file.data() + got, need - got, static_cast<off_t>(got));
    if (r <= 0) {
      why = r < 0 ? strerror(errno) : "truncated a.out";
      close(fd);
      return false;
    }
    got += static_cast<uint64_t>(r);
  }
  close(fd);
  return true;
}

bool map_image(const AoutHeader& h, std::span<const uint8_t> file, std::string& why) {
  // Text: an anonymous copy made read-only and executable.
  const uint64_t text_len = round_up(h.text_end() - kUTZero, kPageSize);
  void* t = map_fixed(kUTZero, text_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
  if (t == MAP_FAILED) {
    why = fmt::format("cannot map text at {:#x}: {}", kUTZero, strerror(errno));
    return false;
  }
  std::memcpy(t, file.data(), kExecHeaderSize + h.text);
  mprotect(t, text_len, PROT_READ | PROT_EXEC);
  up.text_lo = kUTZero;
  up.text_hi = kUTZero + text_len;

  // Data and bss: a memfd that RFMEM procs share.
  const int seg = seg_alloc();
  if (seg < 0) {
    why = "out of segments";
    return false;
  }
  int fd = move_to_host_fd(memfd_create("p9run data", MFD_CLOEXEC));
  const uint64_t base = h.data_base();
  const uint64_t size = round_up(uint64_t{h.data} + h.bss, kPageSize);
  if (fd < 0 || ftruncate(fd, static_cast<off_t>(size)) != 0 ||
      (h.data > 0 && pwrite(fd, file.data() + kExecHeaderSize + h.text, h.data, 0) !=
                         static_cast<ssize_t>(h.data))) {
    why = fmt::format("cannot make the data segment: {}", strerror(errno));
    return false;
  }
  // As much room for brk as the address space allows (sanitizer run-times take some of it).
  uint64_t reserve = kDataReserve;
  void* d = MAP_FAILED;
  for (; reserve >= size && d == MAP_FAILED; reserve /= 2)
    d = map_fixed(base, reserve, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd);
  if (d == MAP_FAILED) {
    why = fmt::format("cannot map data at {:#x}: {}", base, strerror(errno));
    return false;
  }
  reserve *= 2;  // the loop halved it once more after the mapping succeeded
  SharedSeg& s = g_session->seg[seg];
  s.base = base;
  s.reserve = reserve;
  s.fd = fd;
  s.size.store(size);
  up.data_seg = seg;

  // The stack.
  for (uint64_t top : kStackTops) {
    void* st = map_fixed(top - kUStkSize, kUStkSize, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
    if (st != MAP_FAILED) {
      up.stack_lo = top - kUStkSize;
      up.stack_hi = top;
      return true;
    }
  }
  why = fmt::format("cannot map the stack: {}", strerror(errno));
  return false;
}

void unmap_image() {
  munmap(reinterpret_cast<void*>(up.text_lo), up.text_hi - up.text_lo);
  up.text_lo = up.text_hi = 0;
  munmap(reinterpret_cast<void*>(up.stack_lo), up.stack_hi - up.stack_lo);
  up.stack_lo = up.stack_hi = 0;
  auto drop = [](int& index) {
    if (index < 0) return;
    SharedSeg& s = g_session->seg[index];
    munmap(reinterpret_cast<void*>(s.base), s.reserve);
    // The memfd stays open: procs that share this descriptor table may still map it.
    s.refs.fetch_sub(1);
    index = -1;
  };
  drop(up.data_seg);
  for (int& a : up.attached) drop(a);
}

uint64_t build_stack(const std::vector<std::string>& args) {
  uint64_t nbytes = sizeof(Tos);
  for (const auto& a : args) nbytes += a.size() + 1;
  const uint64_t nargs = args.size();
  const uint64_t ssize = 8 * (nargs + 1) + round_up(nbytes, 8);
  const uint64_t top = up.stack_hi;

  up.tos = top - sizeof(Tos);
  auto* tos = reinterpret_cast<Tos*>(up.tos);
  std::memset(tos, 0, sizeof(Tos));
  tos->pid = static_cast<uint32_t>(up.pid);

  auto* argv = reinterpret_cast<uint64_t*>(top - ssize);
  char* charp = reinterpret_cast<char*>(top - nbytes);
  for (const auto& a : args) {
    *argv++ = reinterpret_cast<uint64_t>(charp);
    std::memcpy(charp, a.c_str(), a.size() + 1);
    charp += a.size() + 1;
  }
  *argv = 0;
  auto* sp = reinterpret_cast<uint64_t*>(top - ssize) - 1;
  *sp = nargs;
  return reinterpret_cast<uint64_t>(sp);
}

}  // namespace p9run
