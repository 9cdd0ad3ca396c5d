// Start-up of the Plan 9 backend, before main in the program's first proc: the note entry point
// is registered with notify(), and group exit starts (the first proc becomes the leader; the
// runtime's proc hooks are set).
//
// Every proc must have the entry point: notify() is per process, and a proc without a handler
// dies of any note. Installing it here, before main and before any static constructor of lower
// priority can start a proc, means every proc of the program inherits it (9front port/sysproc.c
// sysrfork copies up->notify); plan9::spawn_proc's hook installs it again in each new proc.
// The library's CMake target links this file into every program (--undefined=notes_plan9_init),
// since nothing else refers to it.
#include "plan9.h"
#include "plan9/entry.h"
#include "plan9/group_exit.h"

extern "C" void notes_plan9_init();

extern "C" __attribute__((constructor(101))) void notes_plan9_init() {
  plan9::notify(notes_plan9_note_entry);
  notes::detail::group_exit::start();
}
