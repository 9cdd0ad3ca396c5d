// Guest address checks (see guestmem.h).
#include "guestmem.h"

#include <cstring>

#include "proc.h"
#include "session.h"

namespace p9run {
namespace {

bool inside(uint64_t addr, uint64_t len, uint64_t lo, uint64_t hi) {
  return addr >= lo && addr <= hi && len <= hi - addr;
}

bool in_seg(int index, uint64_t addr, uint64_t len) {
  if (index < 0) return false;
  const SharedSeg& s = g_session->seg[index];
  return inside(addr, len, s.base, s.base + s.size.load(std::memory_order_acquire));
}

// The end of the readable range that starts at `addr`, or 0 when addr is not mapped.
uint64_t readable_end(uint64_t addr) {
  if (addr >= up.text_lo && addr < up.text_hi) return up.text_hi;
  if (addr >= up.stack_lo && addr < up.stack_hi) return up.stack_hi;
  auto seg_end = [addr](int index) -> uint64_t {
    if (index < 0) return 0;
    const SharedSeg& s = g_session->seg[index];
    const uint64_t end = s.base + s.size.load(std::memory_order_acquire);
    return addr >= s.base && addr < end ? end : 0;
  };
  if (uint64_t e = seg_end(up.data_seg)) return e;
  for (int a : up.attached)
    if (uint64_t e = seg_end(a)) return e;
  return 0;
}

}  // namespace

bool guest_ok(uint64_t addr, uint64_t len, Access a) {
  if (a == Access::kRead && inside(addr, len, up.text_lo, up.text_hi)) return true;
  if (inside(addr, len, up.stack_lo, up.stack_hi)) return true;
  if (in_seg(up.data_seg, addr, len)) return true;
  for (int s : up.attached)
    if (in_seg(s, addr, len)) return true;
  return false;
}

bool guest_string(uint64_t addr, size_t max, std::string& out) {
  const uint64_t end = readable_end(addr);
  if (end == 0) return false;
  const size_t avail = end - addr;
  const char* p = guest_ptr<const char>(addr);
  const size_t limit = avail < max + 1 ? avail : max + 1;
  const void* nul = std::memchr(p, 0, limit);
  if (nul == nullptr) return false;
  out.assign(p, static_cast<const char*>(nul));
  return true;
}

}  // namespace p9run
