// Syscall User Dispatch set-up, the restorer, and the jump into guest code (see sud.h).
#include "sud.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#define PR_SYS_DISPATCH_ON 1
#endif

extern "C" {
// The restorer: rt_sigreturn from inside the range the kernel never dispatches.
extern const char p9run_restorer[], p9run_restorer_end[];
[[noreturn]] void p9run_enter_guest(uint64_t entry, uint64_t sp, uint64_t rax,
                                    volatile uint8_t* selector);
}

asm(R"(
    .text
    .globl p9run_restorer, p9run_restorer_end
    .type p9run_restorer, @function
p9run_restorer:
    mov $15, %rax          # rt_sigreturn
    syscall
    ud2
p9run_restorer_end:
    .size p9run_restorer, . - p9run_restorer

    .globl p9run_enter_guest
    .type p9run_enter_guest, @function
# rdi = entry, rsi = guest sp, rdx = value for rax, rcx = &selector
p9run_enter_guest:
    sub $8, %rsp
    fninit
    movw $0x232, (%rsp)
    fldcw (%rsp)
    movl $0x1900, (%rsp)
    ldmxcsr (%rsp)
    mov %rsi, %rsp
    mov %rdx, %rax
    mov %rdi, %r11
    movb $1, (%rcx)        # selector = BLOCK: from here on SYSCALL traps
    xor %ebx, %ebx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %edi, %edi
    xor %ebp, %ebp
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r12d, %r12d
    xor %r13d, %r13d
    xor %r14d, %r14d
    xor %r15d, %r15d
    cld
    jmp *%r11
    .size p9run_enter_guest, . - p9run_enter_guest
)");

namespace p9run {

volatile uint8_t g_selector = 0;

namespace {

// The kernel's struct sigaction (arch/x86/include/uapi/asm/signal.h), which glibc hides.
struct KernelSigaction {
  Handler handler;
  unsigned long flags;
  const void* restorer;
  uint64_t mask;
};
constexpr unsigned long kSaRestorer = 0x04000000;

}  // namespace

sigset_t async_signals() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, kDoorbell);
  sigaddset(&s, SIGALRM);
  return s;
}

bool install_handler(int sig, Handler fn) {
  KernelSigaction ka{};
  ka.handler = fn;
  ka.flags = SA_SIGINFO | SA_ONSTACK | kSaRestorer;
  ka.restorer = p9run_restorer;
  ka.mask = (uint64_t{1} << (kDoorbell - 1)) | (uint64_t{1} << (SIGALRM - 1));
  return syscall(SYS_rt_sigaction, sig, &ka, nullptr, sizeof(ka.mask)) == 0;
}

bool setup_altstack() {
  constexpr size_t kSize = 512 * 1024;
  void* p = mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  stack_t ss{};
  ss.ss_sp = p;
  ss.ss_size = kSize;
  return sigaltstack(&ss, nullptr) == 0;
}

bool sud_enable() {
  const auto start = reinterpret_cast<uintptr_t>(p9run_restorer);
  const auto len = static_cast<unsigned long>(p9run_restorer_end - p9run_restorer);
  return prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, start, len,
               const_cast<uint8_t*>(&g_selector)) == 0;
}

void sud_disable() {
  prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0);
}

BlockingWindow::BlockingWindow() {
  sigset_t s = async_signals();
  sigprocmask(SIG_UNBLOCK, &s, nullptr);
}

BlockingWindow::~BlockingWindow() {
  sigset_t s = async_signals();
  sigprocmask(SIG_BLOCK, &s, nullptr);
}

void enter_guest(uint64_t entry, uint64_t sp, uint64_t rax) {
  p9run_enter_guest(entry, sp, rax, &g_selector);
}

}  // namespace p9run
