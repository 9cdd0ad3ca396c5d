// Plan 9 amd64 kernel ABI constants and structures that p9run emulates.
//
// Everything here is a fact about the 9front kernel and libc, not a choice of p9run; each group
// names the file it comes from so that a reader can check it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace p9run {

// sys/include/libc.h, port/portdat.h
inline constexpr int kErrMax = 128;  // ERRMAX: error strings and notes, with the NUL
inline constexpr int kNNote = 5;     // NNOTE: notes a process may have pending
inline constexpr int kNumSize = 12;  // NUMSIZE: width of /dev/pid and friends

// Note flags (port/portdat.h) and noted() arguments (libc.h).
enum NoteFlag : int32_t { kNUser = 0, kNExit = 1, kNDebug = 2 };
enum Noted : int32_t { kNCont = 0, kNDflt = 1, kNSave = 2, kNRstr = 3 };

// Open modes (libc.h).
inline constexpr uint32_t kORead = 0, kOWrite = 1, kORdwr = 2, kOExec = 3;
inline constexpr uint32_t kOTrunc = 16, kOCexec = 32, kORclose = 64, kOExcl = 0x1000;

// rfork flags (libc.h).
inline constexpr uint32_t kRFNameg = 1 << 0, kRFEnvg = 1 << 1, kRFFdg = 1 << 2, kRFNoteg = 1 << 3,
                          kRFProc = 1 << 4, kRFMem = 1 << 5, kRFNowait = 1 << 6,
                          kRFCNameg = 1 << 10, kRFCEnvg = 1 << 11, kRFCFdg = 1 << 12,
                          kRFRend = 1 << 13, kRFNomnt = 1 << 14;

// Directory entry mode bits (libc.h).
inline constexpr uint32_t kDMDir = 0x80000000u, kDMAppend = 0x40000000u, kDMExcl = 0x20000000u,
                          kDMTmp = 0x04000000u;
inline constexpr uint8_t kQTDir = 0x80;
inline constexpr size_t kStatFixLen = 49;  // STATFIXLEN: a stat entry without its 4 strings

// Memory layout (pc64/mem.h, port/sysproc.c sysexec).
inline constexpr uint64_t kUTZero = 0x200000;         // UTZERO: the header is mapped here
inline constexpr uint64_t kUStkTop = 0x7ffffffff000;  // USTKTOP
inline constexpr uint64_t kUStkSize = 16ull << 20;    // USTKSIZE
inline constexpr uint64_t kSegAlign = 0x200000;       // data alignment for S_MAGIC
inline constexpr uint64_t kPageSize = 4096;           // BY2PG

// a.out header (sys/include/a.out.h): eight big-endian u32 then, with HDR_MAGIC, a u64 entry.
inline constexpr uint32_t kHdrMagic = 0x00008000;
inline constexpr uint32_t kSMagic = kHdrMagic | (4 * 26 * 26 + 7);  // 0x8A97, amd64
inline constexpr size_t kExecHeaderSize = 40;

// Tos (sys/include/tos.h, amd64): at the top of the stack; RAX points at it on entry.
struct Tos {
  uint64_t prof_pp, prof_next, prof_last, prof_first;
  uint32_t prof_pid, prof_what;
  uint64_t cyclefreq;
  int64_t kcycles;
  int64_t pcycles;
  uint32_t pid;
  uint32_t clock;
};
static_assert(sizeof(Tos) == 72 && offsetof(Tos, pid) == 64);

// Ureg (amd64/include/ureg.h): the register frame a note handler receives.
struct Ureg {
  uint64_t ax, bx, cx, dx, si, di, bp, r8, r9, r10, r11, r12, r13, r14, r15;
  uint16_t ds, es, fs, gs;
  uint64_t type, error, pc, cs, flags, sp, ss;
};
static_assert(sizeof(Ureg) == 184 && offsetof(Ureg, pc) == 144);

// System call numbers (sys/src/libc/9syscall/sys.h; identical in Bell Labs and 9front).
enum Sys : int {
  kSysr1 = 0,
  k_Errstr = 1,
  kBind = 2,
  kChdir = 3,
  kClose = 4,
  kDup = 5,
  kAlarm = 6,
  kExec = 7,
  kExits = 8,
  k_Fsession = 9,
  kFauth = 10,
  k_Fstat = 11,
  kSegbrk = 12,
  k_Mount = 13,
  kOpen = 14,
  k_Read = 15,
  kOseek = 16,
  kSleep = 17,
  k_Stat = 18,
  kRfork = 19,
  k_Write = 20,
  kPipe = 21,
  kCreate = 22,
  kFd2path = 23,
  kBrk = 24,
  kRemove = 25,
  k_Wstat = 26,
  k_Fwstat = 27,
  kNotify = 28,
  kNoted = 29,
  kSegattach = 30,
  kSegdetach = 31,
  kSegfree = 32,
  kSegflush = 33,
  kRendezvous = 34,
  kUnmount = 35,
  k_Wait = 36,
  kSemacquire = 37,
  kSemrelease = 38,
  kSeek = 39,
  kFversion = 40,
  kErrstr = 41,
  kStat = 42,
  kFstat = 43,
  kWstat = 44,
  kFwstat = 45,
  kMount = 46,
  kAwait = 47,
  kPread = 50,
  kPwrite = 51,
  kTsemacquire = 52,
  k_Nsec = 53,
  kNumSys = 54
};

// The name of system call `n` as sys.h spells it, or "" for a hole in the table.
std::string_view sys_name(uint64_t n);

// Error strings the 9front kernel uses (port/error.h); programs compare against these.
namespace err {
inline constexpr const char* kNonexist = "file does not exist";
inline constexpr const char* kExist = "file already exists";
inline constexpr const char* kNotdir = "not a directory";
inline constexpr const char* kIsdir = "file is a directory";
inline constexpr const char* kPerm = "permission denied";
inline constexpr const char* kBadusefd = "inappropriate use of fd";
inline constexpr const char* kBadarg = "bad arg in system call";
inline constexpr const char* kIo = "i/o error";
inline constexpr const char* kToobig = "read or write too large";
inline constexpr const char* kHungup = "i/o on hungup channel";
inline constexpr const char* kBadctl = "bad process or channel control request";
inline constexpr const char* kProcdied = "process exited";
inline constexpr const char* kNochild = "no living children";
inline constexpr const char* kNovmem = "virtual memory allocation failed";
inline constexpr const char* kBadfd = "fd out of range or not open";
inline constexpr const char* kNofd = "no free file descriptors";
inline constexpr const char* kIsstream = "seek on a stream";
inline constexpr const char* kBadexec = "exec header invalid";
inline constexpr const char* kIntr = "interrupted";
inline constexpr const char* kNomem = "kernel allocate failed";
inline constexpr const char* kSoverlap = "segments overlap";
inline constexpr const char* kNotPosted = "note not posted";  // port/devproc.c
inline constexpr const char* kNoprocs = "no procs";           // port/sysproc.c sysrfork
inline constexpr const char* kNotempty = "directory not empty";
inline constexpr const char* kNegoff = "negative i/o offset";
}  // namespace err

}  // namespace p9run
