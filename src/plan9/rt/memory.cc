// The heap: plan9::alloc/free over brk_, and operator new/delete and malloc/free over them.
//
// Blocks come in power-of-two size classes (16 B to 2^47 B) with a 16-byte header holding the
// class; freed blocks go on their class's free list and are reused, never returned to the kernel
// (brk_ cannot shrink a segment that other procs share: 9front port/segment.c ibrk). The break
// starts at `end` (the linker script's end of bss) and grows in steps of at least 64 KiB. One
// plan9::Lock guards everything, so procs made with RFMEM may allocate concurrently; note
// handlers must not allocate (the interrupted code may hold the lock).
//
// No exceptions: a failed operator new ends the program with panic("out of memory"), as
// -fno-exceptions code cannot catch std::bad_alloc anyway; the nothrow forms return nullptr.
#include <new>

#include "plan9.h"
#include "rt.h"

extern "C" char end[];  // cmake/plan9/plan9-amd64.ld

namespace plan9 {
namespace {

constexpr std::size_t kHeader = 16;
constexpr unsigned kMinClass = 5;   // 32 bytes: a header and 16 usable
constexpr unsigned kMaxClass = 47;  // 128 TiB: more than the address space below the stack
constexpr std::size_t kLive = 0x6c697665'62697473;     // header.tag of a block in use
constexpr std::size_t kFree = 0x66726565'62697473;     // header.tag of a block on a free list
constexpr std::size_t kAligned = 0x616c6967'6e656421;  // header.cls of an alloc_aligned pointer
constexpr std::size_t kGrowStep = 64 * 1024;

struct Header {
  std::size_t cls;  // size class, or kAligned (then tag = distance back to the real block)
  std::size_t tag;
};
static_assert(sizeof(Header) == kHeader);

struct FreeBlock {
  FreeBlock* next;
};

Lock heap_lock;
FreeBlock* free_lists[kMaxClass + 1];
char* arena_next;  // the next unused byte
char* arena_end;   // the break

std::uintptr_t round_up(std::uintptr_t v, std::uintptr_t align) {
  return (v + align - 1) & ~(align - 1);
}

unsigned class_for(std::size_t n) {
  if (n > (std::size_t{1} << kMaxClass) - kHeader) return 0;
  unsigned cls = kMinClass;
  while ((std::size_t{1} << cls) < n + kHeader) cls++;
  return cls;
}

// n bytes from the end of the arena (with heap_lock held), moving the break as needed.
char* carve(std::size_t n) {
  if (arena_next == nullptr) {
    arena_next = reinterpret_cast<char*>(round_up(reinterpret_cast<std::uintptr_t>(end), kHeader));
    arena_end = arena_next;
  }
  if (static_cast<std::size_t>(arena_end - arena_next) < n) {
    const std::size_t more = n - static_cast<std::size_t>(arena_end - arena_next);
    char* new_end = arena_end + round_up(more > kGrowStep ? more : kGrowStep, 4096);
    if (brk_(new_end) < 0) return nullptr;
    arena_end = new_end;
  }
  char* p = arena_next;
  arena_next += n;
  return p;
}

Header* header_of(void* p) {
  auto* h = reinterpret_cast<Header*>(static_cast<char*>(p) - kHeader);
  if (h->cls == kAligned) h = reinterpret_cast<Header*>(reinterpret_cast<char*>(h) - h->tag);
  if (h->tag != kLive || h->cls < kMinClass || h->cls > kMaxClass)
    panic(h->tag == kFree ? "free: block freed twice" : "free: not a heap pointer");
  return h;
}

}  // namespace

void* alloc(std::size_t n) {
  const unsigned cls = class_for(n);
  if (cls == 0) return nullptr;
  Header* h;
  {
    LockGuard g(heap_lock);
    if (FreeBlock* b = free_lists[cls]) {
      free_lists[cls] = b->next;
      h = reinterpret_cast<Header*>(b);
    } else {
      h = reinterpret_cast<Header*>(carve(std::size_t{1} << cls));
      if (h == nullptr) return nullptr;
    }
  }
  h->cls = cls;
  h->tag = kLive;
  return reinterpret_cast<char*>(h) + kHeader;
}

void* alloc_aligned(std::size_t n, std::size_t align) {
  if (align <= kHeader) return alloc(n);
  if (n > SIZE_MAX - align) return nullptr;
  char* raw = static_cast<char*>(alloc(n + align));
  if (raw == nullptr) return nullptr;
  const auto at = round_up(reinterpret_cast<std::uintptr_t>(raw), align);
  char* p = reinterpret_cast<char*>(at);
  if (p != raw) {  // at least kHeader further on: both are multiples of 16
    auto* h = reinterpret_cast<Header*>(p - kHeader);
    h->cls = kAligned;
    h->tag = static_cast<std::size_t>(p - raw);
  }
  return p;
}

void free(void* p) {
  if (p == nullptr) return;
  Header* h = header_of(p);
  const std::size_t cls = h->cls;
  h->tag = kFree;
  LockGuard g(heap_lock);
  auto* b = reinterpret_cast<FreeBlock*>(h);  // next overwrites cls, tag stays
  b->next = free_lists[cls];
  free_lists[cls] = b;
}

std::size_t alloc_size(void* p) {
  Header* h = header_of(p);
  const char* block_end = reinterpret_cast<char*>(h) + (std::size_t{1} << h->cls);
  return static_cast<std::size_t>(block_end - static_cast<char*>(p));
}

}  // namespace plan9

// ---- C ------------------------------------------------------------------------------------------

extern "C" {

void* malloc(std::size_t n) {
  return plan9::alloc(n);
}

void* calloc(std::size_t count, std::size_t n) {
  if (n != 0 && count > SIZE_MAX / n) return nullptr;
  void* p = plan9::alloc(count * n);
  if (p != nullptr) memset(p, 0, count * n);
  return p;
}

void* realloc(void* p, std::size_t n) {
  if (p == nullptr) return plan9::alloc(n);
  const std::size_t have = plan9::alloc_size(p);
  if (n <= have) return p;
  void* q = plan9::alloc(n);
  if (q == nullptr) return nullptr;
  memcpy(q, p, have);
  plan9::free(p);
  return q;
}

void free(void* p) {
  plan9::free(p);
}

}  // extern "C"

// ---- C++ ----------------------------------------------------------------------------------------

// The tag of the nothrow forms (libsupc++ defines it: new_handler.cc).
const std::nothrow_t std::nothrow{};

namespace {

void* must(void* p) {
  if (p == nullptr) plan9::panic("out of memory");
  return p;
}

}  // namespace

void* operator new(std::size_t n) {
  return must(plan9::alloc(n));
}
void* operator new[](std::size_t n) {
  return must(plan9::alloc(n));
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return plan9::alloc(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return plan9::alloc(n);
}
void* operator new(std::size_t n, std::align_val_t a) {
  return must(plan9::alloc_aligned(n, static_cast<std::size_t>(a)));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return must(plan9::alloc_aligned(n, static_cast<std::size_t>(a)));
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return plan9::alloc_aligned(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return plan9::alloc_aligned(n, static_cast<std::size_t>(a));
}

void operator delete(void* p) noexcept {
  plan9::free(p);
}
void operator delete[](void* p) noexcept {
  plan9::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  plan9::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  plan9::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  plan9::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  plan9::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  plan9::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  plan9::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  plan9::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  plan9::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  plan9::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  plan9::free(p);
}
