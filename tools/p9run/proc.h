// The state of the Plan 9 proc that this Linux process runs (9front's `up`).
//
// Why one Linux process per Plan 9 proc, and not threads: rfork(RFPROC|RFMEM) shares data and
// bss but never the stack ("stack segments are unaffected", rfork(2)); the child runs on a
// private copy of the parent's stack at the same addresses, and the Tos at the top of that stack
// holds its own pid. Go relies on it: its TLS (_privates) and _tos point into the stack. Linux
// threads cannot have different memory at one address, so each proc is a process made with a
// raw clone (no CLONE_VM; CLONE_FILES unless RFFDG/RFCFDG; CLONE_PARENT so that p9run's
// supervisor is every proc's parent), and the data segment is a memfd mapped MAP_SHARED so that
// RFMEM procs keep sharing it.
//
// `up` lives in this process's private memory; what other procs must see is mirrored into the
// proc's slot of the session table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "plan9.h"
#include "session.h"

namespace p9run {

inline constexpr int kMaxAttach = kProcSegs - 1;  // segattach segments per proc
inline constexpr int kFirstHostFd = 1000;         // p9run's own descriptors live at or above this

struct Up {
  int slot = -1;
  int32_t pid = 0;
  // The image (loader.cc).
  uint64_t text_lo = 0, text_hi = 0;    // mapped text, header included
  uint64_t stack_lo = 0, stack_hi = 0;  // the stack segment
  uint64_t tos = 0;                     // the Tos at the top of the stack
  int data_seg = -1;                    // data+bss+brk, index into g_session->seg
  int attached[kMaxAttach] = {-1, -1, -1, -1, -1, -1, -1, -1};
  std::string aout_path;  // host path of the running a.out (/proc/N/text)
  std::string text;       // program name, as 9front keeps it in up->text
  // Notes (notes.cc).
  uint64_t notify = 0;    // handler address
  bool notified = false;  // a handler is running
  uint64_t ureg = 0;      // up->ureg: where the interrupted Ureg was saved on the guest stack
  NoteEntry lastnote{};
  // The error string errstr returns.
  char errstr[kErrMax] = {};
};

extern Up up;

// p9run's own standard error (warnings, traces), kept apart from the guest's descriptor 2.
extern int g_log_fd;

// Writes `msg` on p9run's standard error.
void log_line(std::string_view msg);

// The proc's slot in the session table.
Slot& my_slot();

// Ends this proc with exit string `msg` (9front pexit). Never returns.
[[noreturn]] void pexit(const char* msg);

// Writes "<text> <pid>: <msg>" on standard error, as 9front's pprint does.
void pprint(const char* msg);

// In a new guest process: signal handlers, the alternate stack, the parent-death signal.
bool setup_guest_process();

// Fills in slot `slot` for this process, which runs a.out `aout` named `text`.
void register_proc(int slot, std::string_view text, std::string_view aout);

// The private copies of this proc's shared segments that an rfork without RFMEM gives the child,
// made by the parent before the fork.
struct ForkCopy {
  int data_seg = -1;
  int attached[kMaxAttach] = {-1, -1, -1, -1, -1, -1, -1, -1};
  bool make();                   // false when out of memory or segments
  void release(bool close_fds);  // the fork failed
  void close_in_parent();        // the parent's copies of the descriptors (tables not shared)
};

// Records this proc's shared segments in its slot (after they change).
void publish_segments();

// Adds `delta` references to this proc's shared segments (an RFMEM child shares them).
void share_segments(int delta);

// In the child of rfork (inside the SIGSYS handler): takes slot `slot`, maps `copy` (rfork
// without RFMEM) over the shared segments, empties the descriptor table for RFCFDG, and writes
// its pid in the Tos.
void after_rfork(int slot, uint32_t flags, const ForkCopy* copy);

}  // namespace p9run
