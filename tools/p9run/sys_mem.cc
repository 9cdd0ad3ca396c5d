// Memory system calls: brk_, segattach, segdetach, segfree, segflush.
//
// brk_ moves the end of the bss segment (9front port/segment.c ibrk). The data+bss segment is a
// memfd shared by RFMEM procs (loader.h), so growing it is an ftruncate that every such proc
// sees at once. segattach maps a new zero-filled segment, also a shared memfd so that RFMEM
// procs share it (a basic version: the class is not checked against /proc/N/segment classes).
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "guestmem.h"
#include "loader.h"
#include "plan9.h"
#include "proc.h"
#include "session.h"
#include "syscalls.h"

namespace p9run {
namespace {

uint64_t round_up(uint64_t v, uint64_t a) {
  return (v + a - 1) & ~(a - 1);
}

constexpr uint64_t kAttachBase = 0x100000000000;  // where segattach puts segments given va 0
constexpr uint64_t kAttachStep = 0x10000000000;

}  // namespace

void sys_brk(Call& c) {
  const uint64_t addr = c.u64(0);
  if (up.data_seg < 0) return c.fail(err::kNovmem);
  SharedSeg& s = g_session->seg[up.data_seg];
  Locked l(s.lock);
  if (addr < s.base) return c.fail(err::kNovmem);
  const uint64_t size = round_up(addr - s.base, kPageSize);
  if (size > s.reserve) return c.fail(err::kNovmem);
  if (size != s.size.load()) {
    if (ftruncate(s.fd, static_cast<off_t>(size)) != 0) return c.fail(err::kNovmem);
    s.size.store(size, std::memory_order_release);
  }
  c.ret = 0;
}

void sys_segattach(Call& c) {
  std::string cls;
  if (!guest_string(c.u64(1), 64, cls)) return bad_address(c, c.u64(1), 1);
  uint64_t va = c.u64(2) & ~(kPageSize - 1);
  const uint64_t len = round_up(c.u64(3) + (c.u64(2) & (kPageSize - 1)), kPageSize);
  if (len == 0 || len > (1ull << 40)) return c.fail(err::kBadarg);
  int* free_slot = nullptr;
  int used = 0;
  for (int& a : up.attached) {
    if (a < 0 && free_slot == nullptr) free_slot = &a;
    if (a >= 0) ++used;
  }
  if (free_slot == nullptr) return c.fail(err::kNomem);
  if (va == 0) va = kAttachBase + static_cast<uint64_t>(used) * kAttachStep;
  if (va < kUTZero || va + len > kUStkTop - kUStkSize) return c.fail(err::kBadarg);
  const int seg = seg_alloc();
  if (seg < 0) return c.fail(err::kNomem);
  int fd = move_to_host_fd(memfd_create("p9run segment", MFD_CLOEXEC));
  if (fd < 0 || ftruncate(fd, static_cast<off_t>(len)) != 0) {
    g_session->seg[seg].refs.store(0);
    return c.fail(err::kNomem);
  }
  void* p = mmap(reinterpret_cast<void*>(va), len, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
  if (p != reinterpret_cast<void*>(va)) {
    if (p != MAP_FAILED) munmap(p, len);
    close(fd);
    g_session->seg[seg].refs.store(0);
    return c.fail(err::kSoverlap);
  }
  SharedSeg& s = g_session->seg[seg];
  s.base = va;
  s.reserve = len;
  s.fd = fd;
  s.size.store(len);
  *free_slot = seg;
  publish_segments();
  c.ret = static_cast<int64_t>(va);
}

void sys_segdetach(Call& c) {
  const uint64_t addr = c.u64(0);
  for (int& a : up.attached) {
    if (a < 0) continue;
    SharedSeg& s = g_session->seg[a];
    if (addr >= s.base && addr < s.base + s.reserve) {
      munmap(reinterpret_cast<void*>(s.base), s.reserve);
      s.refs.fetch_sub(1);
      a = -1;
      publish_segments();
      c.ret = 0;
      return;
    }
  }
  c.fail(err::kBadarg);
}

void sys_segfree(Call& c) {
  const uint64_t va = c.u64(0);
  const uint64_t len = c.u64(1);
  if (!guest_ok(va, len, Access::kWrite)) return c.fail(err::kBadarg);
  const uint64_t lo = round_up(va, kPageSize);
  const uint64_t hi = (va + len) & ~(kPageSize - 1);
  if (hi > lo) madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_REMOVE);
  c.ret = 0;
}

void sys_segflush(Call& c) {
  c.ret = 0;
}

}  // namespace p9run
