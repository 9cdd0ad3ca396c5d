// Checking guest addresses before p9run touches them.
//
// The guest's memory is p9run's own address space, so system call arguments are used in place.
// A bad pointer must not crash p9run: like 9front's validaddr (port/sysproc.c), every buffer is
// checked against the proc's segments (text read-only; data+bss+brk, the stack and segattach
// segments writable) before use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace p9run {

enum class Access { kRead, kWrite };

// True when [addr, addr+len) lies inside one segment that allows `a`.
bool guest_ok(uint64_t addr, uint64_t len, Access a);

// Copies the NUL-terminated string at `addr` (at most `max` bytes before the NUL) into `out`.
// False when the string is not readable or has no NUL within `max` bytes.
bool guest_string(uint64_t addr, size_t max, std::string& out);

// The guest address as a host pointer; check with guest_ok first.
template <class T>
T* guest_ptr(uint64_t addr) {
  return reinterpret_cast<T*>(addr);
}

}  // namespace p9run
