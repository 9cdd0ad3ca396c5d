// Start-up and exit around main: _start (start.S) calls plan9_rt_init, then main, then
// plan9_rt_exit with main's result.
//
// Static constructors are the linker script's .init_array (cmake/plan9/plan9-amd64.ld; g++ emits
// no .ctors on x86-64). Static destructors arrive through __cxa_atexit (g++ registers each after
// its constructor), in one list with atexit handlers, run latest first as the C++ standard
// ([basic.start.term]) orders them; .fini_array runs after them, as in glibc, where it is
// registered first. The exit string follows the Plan 9 and Go convention: empty for status 0,
// the decimal number otherwise (plan9-notes.md §5). The proc hooks (plan9.h ProcHooks) see
// exits() before and after the handlers, and panic() before the proc ends.
#include <atomic>

#include "plan9.h"
#include "rt.h"

extern "C" {
// cmake/plan9/plan9-amd64.ld
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
extern void (*__fini_array_start[])();
extern void (*__fini_array_end[])();

int __cxa_atexit(void (*fn)(void*), void* arg, void* dso);
}

namespace plan9 {

const char* argv0;

namespace {

struct Handler {
  void (*fn)(void*);  // a __cxa_atexit handler, or nullptr for an atexit one
  void* arg;
  void (*plain)();
};

// The handlers, in registration order: a static block, then heap blocks chained behind it.
struct Block {
  static constexpr int kSize = 32;
  Handler h[kSize];
  int n;
  Block* prev;
};

Lock exit_lock;
Block first_block;
Block* last_block = &first_block;
std::atomic<bool> exiting{false};

int add_handler(Handler h) {
  LockGuard g(exit_lock);
  if (last_block->n == Block::kSize) {
    void* mem = alloc(sizeof(Block));
    if (mem == nullptr) return -1;
    auto* b = static_cast<Block*>(mem);
    b->n = 0;
    b->prev = last_block;
    last_block = b;
  }
  last_block->h[last_block->n++] = h;
  return 0;
}

// Runs the handlers latest first, including any registered while they run, then .fini_array.
void run_handlers() {
  for (;;) {
    Handler h;
    {
      LockGuard g(exit_lock);
      while (last_block->n == 0 && last_block->prev != nullptr) last_block = last_block->prev;
      if (last_block->n == 0) break;
      h = last_block->h[--last_block->n];
    }
    if (h.fn != nullptr) {
      h.fn(h.arg);
    } else {
      h.plain();
    }
  }
  for (auto* f = __fini_array_end; f != __fini_array_start;) (*--f)();
}

// "0" .. "-2147483648"
void decimal(int v, char* out) {
  char tmp[12];
  int n = 0;
  unsigned u = v < 0 ? 0u - static_cast<unsigned>(v) : static_cast<unsigned>(v);
  do {
    tmp[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) tmp[n++] = '-';
  while (n > 0) *out++ = tmp[--n];
  *out = 0;
}

}  // namespace

int atexit(void (*fn)()) {
  return add_handler(Handler{nullptr, nullptr, fn});
}

void exits(const char* msg) {
  const ProcHooks* hooks = __atomic_load_n(&plan9_rt_hooks, __ATOMIC_ACQUIRE);
  if (hooks != nullptr && hooks->exiting != nullptr) msg = hooks->exiting(msg);
  // The first caller runs the handlers; a handler that exits again, or another proc exiting at
  // the same time, just ends its proc.
  if (!exiting.exchange(true)) run_handlers();
  if (hooks != nullptr && hooks->exited != nullptr) hooks->exited();
  _exits(msg);
}

void exit(int status) {
  char buf[12];
  decimal(status, buf);
  exits(status == 0 ? nullptr : buf);
}

void panic(const char* msg) {
  fprint(2, "%s: %s\n", argv0 != nullptr ? argv0 : "plan9", msg);
  plan9_rt_die(msg);
}

}  // namespace plan9

extern "C" {

void plan9_rt_init(int argc, char** argv) {
  plan9::argv0 = argc > 0 ? argv[0] : nullptr;
  for (auto* f = __init_array_start; f != __init_array_end; ++f) (*f)();
}

void plan9_rt_exit(int status) {
  plan9::exit(status);
}

void plan9_rt_die(const char* msg) {
  const plan9::ProcHooks* hooks = __atomic_load_n(&plan9_rt_hooks, __ATOMIC_ACQUIRE);
  if (hooks != nullptr && hooks->failing != nullptr) hooks->failing(msg);
  plan9::_exits(msg);
}

int __cxa_atexit(void (*fn)(void*), void* arg, void*) {
  return plan9::add_handler(plan9::Handler{fn, arg, nullptr});
}

int atexit(void (*fn)()) {
  return plan9::atexit(fn);
}

// What libstdc++ headers call where they would throw without -fno-exceptions support
// (std::optional::value, std::variant::get, ...): no handlers run, as with C's abort.
void abort() {
  plan9::panic("abort");
}

}  // extern "C"
