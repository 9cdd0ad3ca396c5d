// The session table: state that every proc of one p9run run must see.
//
// Plan 9 procs are Linux processes here, so whatever one proc must see of another (its note
// queue, whether it has a handler, its exit string, its wait messages, rendezvous partners, the
// size of the shared data segment) lives in one MAP_SHARED anonymous mapping made by the
// supervisor before the first fork. Each slot is guarded by its own ShmLock, like 9front guards
// a Proc's notes with p->debug (port/proc.c postnote).
#pragma once

#include <atomic>
#include <cstdint>

#include "futex.h"
#include "plan9.h"

namespace p9run {

inline constexpr int kMaxProcs = 256;
inline constexpr int kMaxWaitMsgs = 32;  // queued wait messages per proc
inline constexpr int kMaxSegs = 256;
inline constexpr int kProcSegs = 9;  // shared segments a proc may map: data+bss and 8 attached

struct NoteEntry {
  char msg[kErrMax];
  int32_t flag;
  int32_t group;  // posted through notepg: 9front appends no " pc=" to shared notes
};

struct WaitEntry {
  int32_t pid;
  uint32_t time[3];  // user, system, real milliseconds
  char msg[kErrMax + 64];
};

enum SlotState : uint32_t { kSlotFree = 0, kSlotReserved = 1, kSlotAlive = 2, kSlotDead = 3 };

struct Slot {
  std::atomic<uint32_t> state;
  ShmLock lock;  // guards every field below
  int32_t pid;
  int32_t ppid;       // the parent's pid when it waits for us, else 0 (RFNOWAIT)
  int32_t parentpid;  // the proc that made this one (/dev/ppid)
  int32_t noteid;     // note group
  int32_t rgroup;     // rendezvous group
  uint64_t notify;    // the note handler, 0 for none (mirrors the owner's state for posters)
  uint32_t notified;  // a handler is running
  uint32_t nnote;
  NoteEntry note[kNNote];
  std::atomic<uint32_t> notepending;  // interrupts blocked calls (9front up->notepending)
  std::atomic<uint32_t> notegen;      // bumped on every post; blocked calls wait on it
  std::atomic<uint32_t> killed;       // ctl "kill" (9front procctl = Proc_exitme)
  int32_t nchild;                     // children that will leave a wait message
  uint32_t nwait;
  WaitEntry wait[kMaxWaitMsgs];
  std::atomic<uint32_t> waitgen;  // bumped when a wait message arrives
  char text[64];                  // program name (9front up->text)
  char aout[256];                 // host path of the a.out (/proc/N/text)
  char exitmsg[kErrMax];
  uint32_t exited;          // exitmsg is set
  uint32_t entered;         // the proc reached guest code (load errors happen before)
  int32_t segs[kProcSegs];  // its shared segments, released by the supervisor when it dies
  int64_t start_ns;
};

// A memory segment that procs made with RFMEM share: the data+bss+brk segment or a segattach
// segment. It is a memfd mapped MAP_SHARED over a reserved range; its size is the memfd's size,
// and touching past it faults (SIGBUS), which becomes a "sys: trap: fault" note.
struct SharedSeg {
  std::atomic<uint32_t> refs;
  ShmLock lock;
  uint64_t base;
  std::atomic<uint64_t> size;  // bytes currently backed
  uint64_t reserve;            // bytes of address space reserved
  int32_t fd;                  // the memfd, at the same number in every proc that maps it
};

struct RendezvousEntry {
  std::atomic<uint32_t> state;  // 0 free, 1 waiting, 2 answered
  int32_t group;
  int32_t pid;
  uint64_t tag;
  uint64_t value;
};

struct Session {
  uint32_t magic;
  int32_t supervisor_pid;
  int32_t initial_pid;
  uint32_t debug;
  ShmLock lock;  // slot allocation, segments, rendezvous
  std::atomic<int32_t> next_id;
  std::atomic<uint64_t> warned;  // unimplemented-call warnings already printed (bit per call)
  Slot slot[kMaxProcs];
  SharedSeg seg[kMaxSegs];
  RendezvousEntry rv[kMaxProcs];
};

// The table, mapped at the same address in every proc.
extern Session* g_session;

// Creates the table (supervisor, before any fork).
bool session_create();

// Allocates a slot in state kSlotReserved; -1 when all are in use.
int slot_reserve();

// Finds the live slot of Plan 9 pid `pid`; -1 if there is none.
int slot_find(int32_t pid);

// Allocates a shared segment entry with one reference; -1 when all are in use.
int seg_alloc();

// A fresh note group or rendezvous group number.
int32_t new_id();

}  // namespace p9run
