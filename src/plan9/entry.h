// The Plan 9 backend's note entry point: the assembly trampoline registered with notify() in
// every proc of the program (note_entry.S), and the C++ dispatcher it calls (dispatch.cc).
#ifndef NOTES_PLAN9_ENTRY_H
#define NOTES_PLAN9_ENTRY_H

#include "plan9.h"

extern "C" {

// The notify() handler. Not a SysV function: the kernel enters it on the note frame (plan9.h
// NoteEntry); it ends in noted() and never returns.
void notes_plan9_note_entry();

// The dispatcher: runs the handler chain and queues the note to the receivers. Returns NCONT,
// or NDFLT for the default action (the proc dies with the note as its exit string); may end the
// proc itself (group exit). Note context: general registers only, no lock, no allocation.
int notes_plan9_on_note(plan9::Ureg* ureg, const char* text);
}

#endif  // NOTES_PLAN9_ENTRY_H
