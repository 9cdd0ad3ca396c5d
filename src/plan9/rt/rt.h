// Declarations shared inside the runtime (not part of its public surface, plan9.h): the entry
// points that the assembly calls or provides, and the C library functions it defines.
#pragma once

#include <cstddef>

namespace plan9 {
struct ProcHooks;
}
// proc.cc: set_proc_hooks (plan9.h); nullptr until then
extern "C" const plan9::ProcHooks* plan9_rt_hooks;

extern "C" {

// start.S
void plan9_fpinit();
// exit.cc, called from _start around main
void plan9_rt_init(int argc, char** argv);
[[noreturn]] void plan9_rt_exit(int status);
// proc.cc, where a proc made by plan9_rfork_proc goes when its function returns
[[noreturn]] void plan9_proc_exit();
// syscall.S
long plan9_rfork_proc(long flags, void* stack_top, void (*fn)(void*), void* arg);

// string.cc
void* memcpy(void* dst, const void* src, std::size_t n);
void* memmove(void* dst, const void* src, std::size_t n);
void* memset(void* dst, int c, std::size_t n);
int memcmp(const void* a, const void* b, std::size_t n);
void* memchr(const void* s, int c, std::size_t n);
std::size_t strlen(const char* s);
std::size_t strnlen(const char* s, std::size_t max);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, std::size_t n);
char* strchr(const char* s, int c);
char* strrchr(const char* s, int c);
char* strcpy(char* dst, const char* src);

// memory.cc: the C allocation functions over plan9::alloc, for ported code.
void* malloc(std::size_t n);
void* calloc(std::size_t count, std::size_t n);
void* realloc(void* p, std::size_t n);
void free(void* p);

// exit.cc
int atexit(void (*fn)());
[[noreturn]] void abort();
// Ends the proc with msg after an error that leaves nothing to clean up (panic, the
// std::__throw_* functions): calls ProcHooks::failing, then _exits(msg).
[[noreturn]] void plan9_rt_die(const char* msg);
}
