// The freestanding runtime for Plan 9 amd64 programs built by the host g++ (cmake/plan9): the
// whole public surface, for the notes backend (src/plan9) and for test programs.
//
// What it is: start-up (_start sets MXCSR, runs the static constructors, calls main, exits with
// main's status), the Plan 9 system calls, a heap over brk_, a lock, procs that share memory,
// and printf-style output. There is no libc: no errno (errstr instead), no FILE, no floating
// point in this code (it is compiled with -mgeneral-regs-only, so any function here may run in
// a note handler unless its comment says otherwise).
//
// Conventions: system calls return -1 (or nullptr where they return an address) on failure,
// and errstr()/rerrstr() give the reason. Plan 9's `long` is 32 bits: the semaphore word is an
// int32_t. Strings are NUL-terminated; error strings fit in kErrMax bytes.
//
// Sources: plan9-abi.md and plan9-notes.md (the project's notes); 9front sys/include/libc.h
// (constants), sys/include/tos.h, sys/src/9/port/sysproc.c and sysfile.c (call semantics).
#pragma once

#include <cstddef>
#include <cstdint>

namespace plan9 {

// ---- constants (9front sys/include/libc.h) ------------------------------------------------------

inline constexpr int kErrMax = 128;  // ERRMAX: error strings and notes, NUL included

enum : int {  // open, create
  OREAD = 0,
  OWRITE = 1,
  ORDWR = 2,
  OEXEC = 3,
  OTRUNC = 16,
  OCEXEC = 32,
  ORCLOSE = 64,
  OEXCL = 0x1000,
};
inline constexpr std::uint32_t DMDIR = 0x80000000;  // create: make a directory

enum : int {  // rfork
  RFNAMEG = 1 << 0,
  RFENVG = 1 << 1,
  RFFDG = 1 << 2,
  RFNOTEG = 1 << 3,
  RFPROC = 1 << 4,
  RFMEM = 1 << 5,
  RFNOWAIT = 1 << 6,
  RFCNAMEG = 1 << 10,
  RFCENVG = 1 << 11,
  RFCFDG = 1 << 12,
  RFREND = 1 << 13,
  RFNOMNT = 1 << 14,
};

enum : int { NCONT = 0, NDFLT = 1, NSAVE = 2, NRSTR = 3 };  // noted
// seek (named apart from <cstdio>'s SEEK_* macros, which libstdc++ headers pull in)
enum : int { kSeekSet = 0, kSeekCur = 1, kSeekEnd = 2 };

// System call numbers (9front sys/src/libc/9syscall/sys.h).
enum Sys : long {
  kSysClose = 4,
  kSysDup = 5,
  kSysAlarm = 6,
  kSysExec = 7,
  kSysExits = 8,
  kSysOpen = 14,
  kSysSleep = 17,
  kSysRfork = 19,
  kSysPipe = 21,
  kSysCreate = 22,
  kSysFd2path = 23,
  kSysBrk = 24,
  kSysRemove = 25,
  kSysNotify = 28,
  kSysNoted = 29,
  kSysSegattach = 30,
  kSysSemacquire = 37,
  kSysSemrelease = 38,
  kSysSeek = 39,
  kSysErrstr = 41,
  kSysStat = 42,
  kSysFstat = 43,
  kSysAwait = 47,
  kSysPread = 50,
  kSysPwrite = 51,
  kSysTsemacquire = 52,
  kSysNsec = 53,
};

// The kernel/user shared page at the top of every proc's stack (9front sys/include/tos.h;
// amd64 layout). The kernel rewrites `pid` on every return to user mode, and each proc has its
// own stack segment, so it is always the calling proc's pid.
struct Tos {
  void* prof_pp;
  void* prof_next;
  void* prof_last;
  void* prof_first;
  std::uint32_t prof_pid;
  std::uint32_t prof_what;
  std::uint64_t cyclefreq;
  std::int64_t kcycles;
  std::int64_t pcycles;
  std::uint32_t pid;  // offset 64
  std::uint32_t clock;
};
static_assert(offsetof(Tos, pid) == 64);

// The user registers saved when a note interrupted the proc (9front amd64/include/ureg.h). A note
// handler may read and change them; noted(NCONT) resumes from them.
struct Ureg {
  std::uint64_t ax, bx, cx, dx, si, di, bp;
  std::uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
  std::uint16_t ds, es, fs, gs;
  std::uint64_t type, error, pc, cs, flags, sp, ss;
};
static_assert(sizeof(Ureg) == 184 && offsetof(Ureg, pc) == 144);

// The Tos address the kernel passed to _start in RAX. The same address in every proc.
extern "C" Tos* plan9_rt_tos;

// ---- system calls -----------------------------------------------------------------------------
// Each wraps one kernel call; see the Plan 9 manual section 2 for the semantics. All are safe in a
// note handler. A call interrupted by a note fails with the error "interrupted".

// The raw call: number in RBP, arguments in 8-byte stack slots, result in RAX (syscall.S).
// Preserves the SysV callee-saved registers. For calls this header does not wrap.
extern "C" long plan9_syscall(long num, long a1, long a2, long a3, long a4, long a5);

int open(const char* name, int mode);
int create(const char* name, int mode, std::uint32_t perm);
int close(int fd);
// Bytes read or written, or -1. offset -1 reads/writes at the file's current offset.
long pread(int fd, void* buf, long n, std::int64_t offset);
long pwrite(int fd, const void* buf, long n, std::int64_t offset);
inline long read(int fd, void* buf, long n) {
  return pread(fd, buf, n, -1);
}
inline long write(int fd, const void* buf, long n) {
  return pwrite(fd, buf, n, -1);
}
// The new offset, or -1. type is kSeekSet, kSeekCur or kSeekEnd.
std::int64_t seek(int fd, std::int64_t offset, int type);
// dup(fd, -1) picks the lowest free descriptor; dup(fd, n) replaces n.
int dup(int oldfd, int newfd);
int pipe(int fd[2]);
int remove(const char* name);
int fd2path(int fd, char* buf, int n);
// The stat message (stat(5) format, not parsed) into buf; its length, or -1.
int stat(const char* name, std::uint8_t* buf, int n);
int fstat(int fd, std::uint8_t* buf, int n);
// Replaces the calling proc's program; returns only on failure.
int exec(const char* name, const char* const* argv);
int rfork(int flags);
// Moves the end of the bss segment to addr (rounded up to a page): 0 or -1.
int brk_(void* addr);
// The address of the new segment, or nullptr (the kernel's -1).
void* segattach(int attr, const char* cls, void* va, std::uint32_t len);
int sleep(long ms);            // ms <= 0 yields the processor
long alarm(unsigned long ms);  // 0 cancels; returns the ms left on the previous alarm
// A note entry point. Not a SysV function: the kernel enters it with RBP = the Ureg*, [SP] = 0 (a
// fake return address), [SP+8] = the Ureg*, [SP+16] = the note text, and SP not 16-byte aligned
// (plan9-abi.md "Note handler frame"). So it is an assembly trampoline that aligns the stack,
// clears the direction flag (CLD: the kernel keeps the interrupted RFLAGS, and the SysV ABI wants
// DF=0 at every call) and calls C++ code; it must end in noted(), never return.
using NoteEntry = void (*)();
// Registers the note entry point (nullptr restores the default action).
int notify(NoteEntry entry);
int noted(int action);  // NCONT or NDFLT from a handler; does not return on success
// Semaphores are int32_t words in memory every proc sees (data, bss or heap).
// semacquire: 1 when acquired, 0 when block == 0 and the count was 0, -1 on error.
int semacquire(std::int32_t* addr, int block);
// 1 when acquired, 0 after ms milliseconds without, -1 on error (e.g. "interrupted").
int tsemacquire(std::int32_t* addr, unsigned long ms);
// Adds count (>= 0) and wakes waiters; returns the new value, or -1.
long semrelease(std::int32_t* addr, long count);
// Waits for a child proc to exit and formats its wait message ("pid utime stime rtime 'msg'")
// into buf; the message length, or -1 (no children, interrupted).
int await(char* buf, int n);
// Nanoseconds since the epoch (the kernel's _NSEC call).
std::int64_t nsec();
// The calling proc's pid, from Tos (no system call).
inline int getpid() {
  return static_cast<int>(plan9_rt_tos->pid);
}

// Ends the calling proc at once with status msg (nullptr or "" mean success). Runs no atexit
// handlers or destructors. Safe in a note handler.
[[noreturn]] void _exits(const char* msg);

// ---- error strings ------------------------------------------------------------------------------

// The kernel call: swaps buf (n bytes, at most kErrMax used) with the proc's error string.
int errstr(char* buf, unsigned n);
// Copies the current error string into buf without clearing it.
void rerrstr(char* buf, unsigned n);
// Sets the error string (truncated to kErrMax - 1 bytes).
void werrstr(const char* msg);

// ---- process exit -------------------------------------------------------------------------------

// argv[0] as _start received it (nullptr before start-up).
extern const char* argv0;

// Registers fn to run at exit (after main returns, exit() or exits()), latest first, together
// with the static destructors. 0, or -1 when out of memory. Not for note handlers.
int atexit(void (*fn)());
// Runs the atexit handlers and static destructors, then ends the proc: status 0 gives an empty
// exit string, anything else its decimal text (as main's return value does). Not for note
// handlers (the handlers may allocate or take locks): use _exits there.
[[noreturn]] void exit(int status);
// The same with an exit string (nullptr or "" mean success).
[[noreturn]] void exits(const char* msg);
// Prints "<argv0>: <msg>" to fd 2 and ends the proc with _exits(msg): for errors that leave
// nothing to clean up (the std::__throw_* functions, failed allocation). Safe in a note handler.
[[noreturn]] void panic(const char* msg);

// ---- memory -------------------------------------------------------------------------------------
// A heap over brk_ with power-of-two size classes and free lists; memory is never returned to the
// kernel. Thread-safe (procs sharing memory). Never call it from a note handler: it takes a lock
// that the interrupted code may hold.

// At least n bytes aligned to 16, or nullptr when the kernel refuses more memory.
void* alloc(std::size_t n);
// The same aligned to align (a power of two).
void* alloc_aligned(std::size_t n, std::size_t align);
// Frees what alloc or alloc_aligned returned; nullptr is ignored. A pointer freed twice or not
// from the heap ends the program with panic().
void free(void* p);
// Bytes usable at p (at least what was asked for).
std::size_t alloc_size(void* p);

// ---- proc-local storage -------------------------------------------------------------------------

// A block every proc has its own copy of, at the same address: _start reserves it at the top of
// the stack segment, which rfork(RFMEM) never shares (rfork(2): the child gets a copy), the way
// Go's runtime keeps its per-M data (_privates, rt0_plan9_amd64.s). A proc made by spawn_proc
// starts with it zeroed; one made by rfork directly starts with a copy of its parent's.
struct ProcLocal {
  int locks;                  // Locks the proc holds or is taking (Lock keeps the count)
  void (*on_last_unlock)();   // if set: cleared, then called when the proc's count drops to 0
  std::uintptr_t library[2];  // for a library built on the runtime (notes: group exit)
};
static_assert(sizeof(ProcLocal) <= 64);  // start.S reserves 64 bytes
extern "C" ProcLocal* plan9_rt_proc_local;
inline ProcLocal& proc_local() {
  return *plan9_rt_proc_local;
}

// ---- locks --------------------------------------------------------------------------------------

// A mutual-exclusion lock for procs sharing memory: an atomic count with a kernel semaphore
// for the waiters (a "benaphore"), so an uncontended lock makes no system call. constinit, so
// usable before static constructors run. Not for note handlers. Each proc counts the Locks it
// holds or is taking (proc_local().locks), so a note handler can tell whether the code it
// interrupted is inside a critical section (the notes backend then defers a group exit until the
// unlock).
class Lock {
 public:
  constexpr Lock() = default;
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  void lock();
  bool try_lock();
  void unlock();

 private:
  std::int32_t state_ = 0;  // holders + waiters (atomic)
  std::int32_t sema_ = 0;   // the kernel semaphore the waiters sleep on
};

class LockGuard {
 public:
  explicit LockGuard(Lock& l) : l_(l) { l_.lock(); }
  ~LockGuard() { l_.unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  Lock& l_;
};

// ---- procs --------------------------------------------------------------------------------------

inline constexpr std::size_t kDefaultStack = 256 * 1024;

// Starts fn(arg) in a new proc that shares memory with the caller (rfork(RFPROC|RFMEM)) on a
// heap stack of stack_size bytes. The proc has its own pid and note queue, shares the file
// descriptors and the note group, and inherits the note handler. When fn returns, the proc
// exits with an empty status (no atexit handlers run). Returns the pid, or -1. The proc hooks
// (below) see it start and return.
// RFMEM shares data, bss and heap but NOT the stack segment: the child starts with a private copy
// of the caller's stack (rfork(2)), so arg and everything shared must live in static or heap
// memory, never in the caller's locals.
int spawn_proc(void (*fn)(void*), void* arg, std::size_t stack_size = kDefaultStack);
// Waits until the proc pid started by the calling proc's spawn_proc has exited, frees its stack
// and copies its exit string (empty on success) into status if status is not nullptr. 0, or -1
// if pid is not a live child of this proc or the wait was interrupted (call again). Only the
// proc that called spawn_proc can wait for it (wait messages go to the parent). Wait messages
// of children not made by spawn_proc that arrive meanwhile are consumed and lost.
int wait_proc(int pid, char* status = nullptr, std::size_t n = 0);
// Parses a wait message "pid utime stime rtime msg" (msg quoted as %q does: empty or with
// spaces in single quotes, a quote doubled): stores the pid and the unquoted msg (at most n-1
// bytes, NUL-terminated) into msg.
void parse_wait(const char* s, int* pid, char* msg, std::size_t n);

// ---- proc hooks ---------------------------------------------------------------------------------

// What a library built on the runtime needs to see of every proc of the program (the notes
// backend uses it for group exit: src/plan9/group_exit.h). Each member may be nullptr. Set once,
// from a static constructor, before any proc is spawned.
struct ProcHooks {
  // In a proc made by spawn_proc, before its function runs; parent is the pid of the proc that
  // called spawn_proc.
  void (*started)(int parent);
  // In a proc made by spawn_proc whose function returned, before it ends.
  void (*returned)();
  // In exits() (so also exit() and main returning), before the atexit handlers: returns the exit
  // string to use (msg or another). May end the proc itself instead of returning.
  const char* (*exiting)(const char* msg);
  // In exits(), after the atexit handlers and destructors ran, right before the proc ends.
  void (*exited)();
  // In panic() (and the std::__throw_* functions), right before the proc ends without cleanup.
  // May end the proc itself. Runs wherever panic does, note handlers included.
  void (*failing)(const char* msg);
};
void set_proc_hooks(const ProcHooks* hooks);

// ---- output -------------------------------------------------------------------------------------
// printf-style formatting without floating point: flags "-0+ #", width and precision (also *),
// length hh h l ll z j t, conversions d i u x X o c s p %. Other conversions print as written.
// Output of one call goes to the file in one write when it fits 512 bytes. Safe in a note
// handler (no allocation, no lock).

int fprint(int fd, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
int print(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// Formats into buf (always NUL-terminated when n > 0); returns the length the whole output
// would have, like snprintf.
int snprint(char* buf, std::size_t n, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
int vfprint(int fd, const char* fmt, __builtin_va_list ap) __attribute__((format(printf, 2, 0)));
int vsnprint(char* buf, std::size_t n, const char* fmt, __builtin_va_list ap)
    __attribute__((format(printf, 3, 0)));

}  // namespace plan9
