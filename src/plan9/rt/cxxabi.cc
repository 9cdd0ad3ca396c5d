// The C++ ABI pieces g++ code refers to without a C++ runtime library (Itanium C++ ABI,
// itanium-cxx-abi.github.io/cxx-abi/abi.html §3.3.2 guards, §3.3.5 DSO object destruction):
// __dso_handle, pure and deleted virtual calls, and one-time initialisation guards.
// (__cxa_atexit is in exit.cc with the other exit handlers.)
//
// The toolchain compiles with -fno-threadsafe-statics, so g++ emits guard calls only for code
// built without it; they are implemented anyway, for procs sharing memory: byte 0 of the guard
// says "initialised" (the ABI's fast path reads it inline), byte 1 "being initialised".
#include <cstdint>

#include "plan9.h"

extern "C" {

void* __dso_handle = &__dso_handle;

[[noreturn]] void __cxa_pure_virtual();
[[noreturn]] void __cxa_deleted_virtual();
int __cxa_guard_acquire(std::uint64_t* guard);
void __cxa_guard_release(std::uint64_t* guard);
void __cxa_guard_abort(std::uint64_t* guard);

void __cxa_pure_virtual() {
  plan9::panic("pure virtual function called");
}

void __cxa_deleted_virtual() {
  plan9::panic("deleted virtual function called");
}

int __cxa_guard_acquire(std::uint64_t* guard) {
  auto* bytes = reinterpret_cast<unsigned char*>(guard);
  for (;;) {
    if (__atomic_load_n(&bytes[0], __ATOMIC_ACQUIRE) != 0) return 0;
    unsigned char idle = 0;
    if (__atomic_compare_exchange_n(&bytes[1], &idle, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
      return 1;
    plan9::sleep(0);  // another proc is initialising it: let it run
  }
}

void __cxa_guard_release(std::uint64_t* guard) {
  auto* bytes = reinterpret_cast<unsigned char*>(guard);
  __atomic_store_n(&bytes[0], 1, __ATOMIC_RELEASE);
  __atomic_store_n(&bytes[1], 0, __ATOMIC_RELEASE);
}

void __cxa_guard_abort(std::uint64_t* guard) {
  __atomic_store_n(&reinterpret_cast<unsigned char*>(guard)[1], 0, __ATOMIC_RELEASE);
}

}  // extern "C"
