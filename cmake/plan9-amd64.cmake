# Toolchain file for Plan 9 amd64 programs, built by the host g++ in freestanding mode.
#
# No compiler targets Plan 9 (docs: plan9-abi.md), so code is compiled for x86-64 without a C or
# C++ runtime, linked as an ELF with cmake/plan9/plan9-amd64.ld (text at 0x200028, data at the
# next 2 MiB boundary), and rewritten into a Plan 9 a.out by tools/aout. The runtime that
# replaces libc and the C++ support library is src/plan9/rt.
#
#   cmake -S . -B build -DCMAKE_TOOLCHAIN_FILE=<notes>/cmake/plan9-amd64.cmake
#   # CMakeLists.txt:
#   include(${NOTES_PLAN9_CMAKE_DIR}/plan9.cmake)
#   plan9_add_executable(hello hello.cc)   # writes hello.elf and the a.out `hello`
#
# Flags: no exceptions, RTTI, PIC, stack protector or unwind tables (nothing supports them);
# -fno-threadsafe-statics (no guard calls; plan9::Lock is for procs); the red zone stays, as the
# kernel leaves 256 bytes below SP when it builds a note frame. The host's Linux macros are
# removed and __plan9__ defined, so that code does not take Linux paths. Code that may run in a
# note handler must also be compiled with -mgeneral-regs-only (src/plan9 is).
set(CMAKE_SYSTEM_NAME Plan9)
set(CMAKE_SYSTEM_PROCESSOR amd64)
set(NOTES_PLAN9_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}/plan9")
list(APPEND CMAKE_MODULE_PATH "${NOTES_PLAN9_CMAKE_DIR}")  # Platform/Plan9.cmake

if(NOT CMAKE_CXX_COMPILER)
  set(CMAKE_CXX_COMPILER g++)
endif()
if(NOT CMAKE_ASM_COMPILER)
  set(CMAKE_ASM_COMPILER "${CMAKE_CXX_COMPILER}")
endif()

# The compiler checks cannot link a program without the runtime.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(PLAN9_LINKER_SCRIPT "${NOTES_PLAN9_CMAKE_DIR}/plan9-amd64.ld")
set(_plan9_cxx_flags
  -ffreestanding -fno-exceptions -fno-rtti -fno-pic -fno-pie -fno-stack-protector
  -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-threadsafe-statics
  -U__linux__ -U__linux -Ulinux -U__gnu_linux__ -U__unix__ -U__unix -Uunix -D__plan9__=1)
string(JOIN " " _plan9_cxx_flags ${_plan9_cxx_flags})
set(CMAKE_CXX_FLAGS_INIT "${_plan9_cxx_flags}")
set(CMAKE_ASM_FLAGS_INIT "-fno-pic -U__linux__ -D__plan9__=1")
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-nostdlib -static -no-pie -Wl,-T,${PLAN9_LINKER_SCRIPT} -Wl,--build-id=none -Wl,-z,noexecstack")
# After the runtime on every link line: compiler support routines (128-bit division and such).
set(CMAKE_CXX_STANDARD_LIBRARIES "-lgcc")

# Nothing from the host system may end up in a Plan 9 program.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
