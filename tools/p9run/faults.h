// Guest faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) become "sys: trap: ..." notes.
#pragma once

namespace p9run {

// Installs the fault handlers in a guest proc.
bool install_fault_handlers();

}  // namespace p9run
