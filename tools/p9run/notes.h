// Notes, as the 9front kernel implements them (port/proc.c, pc64/trap.c).
//
// Posting follows pushnote: at most NNOTE (5) pending notes, the next one is refused (a write to
// /proc/N/note then fails with "note not posted"); a system note to a proc with no handler or
// inside its handler first flushes the queue so that it is sure to kill. Posting bumps the
// target's note generation (waking a blocked call) and rings its doorbell signal (stopping guest
// code). Delivery follows notify/popnote: on every return to guest code, user notes are held
// while a handler runs, "sys:" notes get " pc=..." appended, no handler (or a system note inside
// the handler) means the default action: exit with the note as the exit string. The handler
// frame is built on the guest stack exactly as pc64/trap.c notify builds it.
#pragma once

#include <signal.h>
#include <ucontext.h>

#include <atomic>
#include <cstdint>
#include <string_view>

#include "futex.h"

#include "plan9.h"

namespace p9run {

// Posts `msg` to the proc in session slot `slot`. False when refused (queue full, proc gone).
bool post_note(int slot, std::string_view msg, int flag, bool group = false);

// Posts to every proc of note group `noteid` except pid `except` (9front postnotepg).
void post_note_group(int32_t noteid, std::string_view msg, int flag, int32_t except);

// ctl "kill": the proc exits with "Killed" at its next return to guest code, running no handler.
bool kill_proc(int slot);

// For blocked calls: true when a note interrupts the call (clears the pending flag).
bool note_interrupts();

// Blocks while *word == expected (no word: just sleeps) for at most `timeout_ns` (negative: no
// limit), returning kInterrupted as soon as a note arrives (9front sleep, then interrupted()).
Wake wait_or_note(const std::atomic<uint32_t>* word, uint32_t expected, int64_t timeout_ns);

// The guest's registers as a Ureg, and back (9front setregisters: the guest may change only the
// low 8 flag bits, and not the segment registers).
void ureg_from_context(const ucontext_t& uc, Ureg& u);
void context_from_ureg(const Ureg& u, ucontext_t& uc);

// Delivers pending notes on the way back to guest code with context `uc` (9front notify).
void notify(ucontext_t* uc);

// The noted system call (9front pc64/trap.c noted).
void noted(ucontext_t* uc, uint64_t arg);

// Sets the handler (the notify system call).
void set_note_handler(uint64_t fn);

// Drops pending notes and the handler (exec).
void reset_notes();

// The doorbell signal handler.
void on_doorbell(int sig, siginfo_t* si, void* ctx);

}  // namespace p9run
