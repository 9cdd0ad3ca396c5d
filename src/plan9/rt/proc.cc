// Procs that share memory: spawn_proc runs a function in a new proc made by
// rfork(RFPROC|RFMEM) on a heap stack (plan9_rfork_proc in syscall.S); wait_proc reaps it with
// await and frees the stack.
//
// The stack can only be freed once the proc is gone for certain, which the wait message says
// (rfork(2): the parent gets one per child unless RFNOWAIT). Messages for other children that
// arrive first are remembered in the proc table, so procs can be waited for in any order.
//
// The new proc starts in proc_main, which zeroes its proc-local block (its copy of the parent's
// says which Locks the parent held) and calls the proc hooks around the function.
#include "plan9.h"
#include "rt.h"

const plan9::ProcHooks* plan9_rt_hooks;

namespace plan9 {
namespace {

struct Proc {
  int pid;
  void* stack;
  bool exited;
  char status[kErrMax];
  Proc* next;
  // What the proc runs (read by the proc itself, which the table entry outlives).
  void (*fn)(void*);
  void* arg;
  int parent;
};

Lock table_lock;
Proc* table;

void proc_main(void* p) {
  proc_local() = ProcLocal{};
  const auto* proc = static_cast<const Proc*>(p);
  const ProcHooks* hooks = __atomic_load_n(&plan9_rt_hooks, __ATOMIC_ACQUIRE);
  if (hooks != nullptr && hooks->started != nullptr) hooks->started(proc->parent);
  proc->fn(proc->arg);
  if (hooks != nullptr && hooks->returned != nullptr) hooks->returned();
}

// The proc's entry in the table (with table_lock held), or nullptr.
Proc* find(int pid) {
  for (Proc* p = table; p != nullptr; p = p->next)
    if (p->pid == pid) return p;
  return nullptr;
}

void unlink_and_free(Proc* proc) {
  for (Proc** p = &table; *p != nullptr; p = &(*p)->next) {
    if (*p == proc) {
      *p = proc->next;
      break;
    }
  }
  free(proc->stack);
  free(proc);
}

long parse_int(const char*& s) {
  long v = 0;
  while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
  return v;
}

void copy(char* dst, std::size_t n, const char* src) {
  if (dst == nullptr || n == 0) return;
  std::size_t i = 0;
  for (; i + 1 < n && src[i] != 0; i++) dst[i] = src[i];
  dst[i] = 0;
}

}  // namespace

void parse_wait(const char* s, int* pid, char* msg, std::size_t n) {
  *pid = static_cast<int>(parse_int(s));
  for (int field = 0; field < 3; field++) {
    while (*s == ' ') s++;
    parse_int(s);
  }
  while (*s == ' ') s++;
  std::size_t out = 0;
  if (*s == '\'') {
    for (s++; *s != 0; s++) {
      if (*s == '\'') {
        if (s[1] != '\'') break;
        s++;
      }
      if (out + 1 < n) msg[out++] = *s;
    }
  } else {
    for (; *s != 0; s++)
      if (out + 1 < n) msg[out++] = *s;
  }
  msg[out] = 0;
}

int spawn_proc(void (*fn)(void*), void* arg, std::size_t stack_size) {
  auto* proc = static_cast<Proc*>(alloc(sizeof(Proc)));
  void* stack = alloc(stack_size);
  if (proc == nullptr || stack == nullptr) {
    free(proc);
    free(stack);
    werrstr("no memory for a proc");
    return -1;
  }
  proc->stack = stack;
  proc->exited = false;
  proc->status[0] = 0;
  proc->fn = fn;
  proc->arg = arg;
  proc->parent = getpid();
  // Hold the table lock across the fork, so that a wait_proc in another proc cannot reap this
  // child before it is in the table.
  LockGuard g(table_lock);
  const long pid =
      plan9_rfork_proc(RFPROC | RFMEM, static_cast<char*>(stack) + stack_size, proc_main, proc);
  if (pid < 0) {
    free(stack);
    free(proc);
    return -1;
  }
  proc->pid = static_cast<int>(pid);
  proc->next = table;
  table = proc;
  return proc->pid;
}

int wait_proc(int pid, char* status, std::size_t n) {
  for (;;) {
    {
      LockGuard g(table_lock);
      Proc* proc = find(pid);
      if (proc == nullptr) {
        werrstr("not a proc from spawn_proc");
        return -1;
      }
      if (proc->exited) {
        copy(status, n, proc->status);
        unlink_and_free(proc);
        return 0;
      }
    }
    char buf[2 * kErrMax];
    const int len = await(buf, sizeof buf - 1);
    if (len < 0) return -1;
    buf[len] = 0;
    int child = 0;
    char msg[kErrMax];
    parse_wait(buf, &child, msg, sizeof msg);
    LockGuard g(table_lock);
    if (Proc* proc = find(child)) {
      proc->exited = true;
      copy(proc->status, sizeof proc->status, msg);
    }
  }
}

void set_proc_hooks(const ProcHooks* hooks) {
  __atomic_store_n(&plan9_rt_hooks, hooks, __ATOMIC_RELEASE);
}

}  // namespace plan9

extern "C" void plan9_proc_exit() {
  plan9::_exits(nullptr);
}
