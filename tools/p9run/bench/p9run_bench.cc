// p9run_bench: what a trapped Plan 9 system call and a note round trip cost under p9run,
// against the raw Linux operations they stand on, measured in the same run.
//
//   trapped call:     a Plan 9 program calling _nsec N times   vs  syscall(SYS_clock_gettime)
//   note round trip:  a Plan 9 program writing a note to its own /proc/N/note, the handler
//                     running, noted(NCONT), N times            vs  kill + sigwaitinfo, and
//                                                                   kill + a signal handler
//
// The Plan 9 program is a few instructions of assembly kept in this binary (between
// p9bench_guest_begin and p9bench_guest_end) and written out as an a.out at run time, so the
// bench needs nothing but p9run. Its per-call cost is (time(N) - time(0)) / N, which removes
// p9run's start-up. Usage: p9run_bench [--quick] [--p9run PATH]
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

extern "C" const unsigned char p9bench_guest_begin[], p9bench_guest_end[];

// The guest. Data word 0 (at 0x400000) is the iteration count, word 1 the mode: 0 calls _nsec,
// 1 posts a note to itself through /proc/<pid>/note and handles it. Plan 9 system calls take
// the number in RBP and arguments from 8(SP); the Tos address arrives in RAX (pid at Tos+64).
asm(R"(
    .section .rodata.p9bench, "a"
    .globl p9bench_guest_begin, p9bench_guest_end
p9bench_guest_begin:
    mov %rax, %r15
    mov $0x400000, %ebx
    mov (%rbx), %r12
    mov 8(%rbx), %r13
    sub $64, %rsp
    test %r12, %r12
    jz 9f
    test %r13, %r13
    jnz 2f
1:  mov $53, %ebp                   # _nsec
    syscall
    dec %r12
    jnz 1b
    jmp 9f
2:  lea 16(%rbx), %rdi              # "/proc/<pid>/note" at 0x400010
    movl $0x6f72702f, (%rdi)
    movw $0x2f63, 4(%rdi)
    add $6, %rdi
    mov 64(%r15), %eax
    lea 64(%rbx), %rsi
    xor %ecx, %ecx
    mov $10, %r8d
3:  xor %edx, %edx
    div %r8d
    add $48, %dl
    mov %dl, (%rsi,%rcx)
    inc %ecx
    test %eax, %eax
    jnz 3b
4:  dec %ecx
    mov (%rsi,%rcx), %dl
    mov %dl, (%rdi)
    inc %rdi
    test %ecx, %ecx
    jnz 4b
    movl $0x746f6e2f, (%rdi)
    movw $0x0065, 4(%rdi)
    lea 8f(%rip), %rax              # notify(handler)
    mov %rax, 8(%rsp)
    mov $28, %ebp
    syscall
    lea 16(%rbx), %rax              # open(path, OWRITE)
    mov %rax, 8(%rsp)
    movq $1, 16(%rsp)
    mov $14, %ebp
    syscall
    mov %rax, %r14
5:  mov %r14, 8(%rsp)               # pwrite(fd, "n", 1, -1): the note arrives on its return
    lea 7f(%rip), %rax
    mov %rax, 16(%rsp)
    movq $1, 24(%rsp)
    movq $-1, 32(%rsp)
    mov $51, %ebp
    syscall
    dec %r12
    jnz 5b
9:  movq $0, 8(%rsp)                # exits(nil)
    mov $8, %ebp
    syscall
    ud2
8:  sub $16, %rsp                   # the note handler: noted(NCONT)
    movq $0, 8(%rsp)
    mov $29, %ebp
    syscall
    ud2
7:  .asciz "n"
p9bench_guest_end:
    .previous
)");

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void put_be(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

// Writes the guest as a Plan 9 amd64 a.out with the given iteration count and mode.
void write_guest(const std::string& path, uint64_t n, uint64_t mode) {
  const std::string_view text(reinterpret_cast<const char*>(p9bench_guest_begin),
                              static_cast<size_t>(p9bench_guest_end - p9bench_guest_begin));
  std::string data(4096, '\0');
  std::memcpy(data.data(), &n, 8);
  std::memcpy(data.data() + 8, &mode, 8);
  std::string out;
  const uint64_t entry = 0x200028;
  for (uint64_t v : {uint64_t{0x8A97}, uint64_t{text.size()}, uint64_t{data.size()}, uint64_t{0},
                     uint64_t{0}, entry, uint64_t{0}, uint64_t{0}})
    put_be(out, v, 4);
  put_be(out, entry, 8);
  out += text;
  out += data;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << out;
}

// Runs p9run on the guest; returns the wall time, or -1 when it failed.
double run_guest(const std::string& p9run, const std::string& aout) {
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    execl(p9run.c_str(), p9run.c_str(), aout.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  const double t = seconds_since(start);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return t;
  fmt::print(stderr, "p9run_bench: {} {}: {} {}\n", p9run, aout,
             WIFEXITED(status) ? "exit status" : "killed by signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
  return -1;
}

// Per-iteration cost under p9run: (best time(n) - best time(0)) / n over `rounds` runs each;
// -1 when p9run failed.
double guest_cost(const std::string& p9run, const std::string& dir, uint64_t n, uint64_t mode,
                  int rounds) {
  const std::string zero = dir + "/zero", many = dir + "/many";
  write_guest(zero, 0, mode);
  write_guest(many, n, mode);
  double best0 = 1e9, bestn = 1e9;
  for (int i = 0; i < rounds; ++i) {
    const double t0 = run_guest(p9run, zero);
    const double tn = run_guest(p9run, many);
    if (t0 < 0 || tn < 0) return -1;
    best0 = std::min(best0, t0);
    bestn = std::min(bestn, tn);
  }
  return std::max(bestn - best0, 0.0) / static_cast<double>(n);
}

template <class F>
double host_cost(uint64_t n, int rounds, F&& body) {
  double best = 1e9;
  for (int r = 0; r < rounds; ++r) {
    const auto start = Clock::now();
    for (uint64_t i = 0; i < n; ++i) body();
    best = std::min(best, seconds_since(start) / static_cast<double>(n));
  }
  return best;
}

volatile sig_atomic_t g_caught = 0;
void on_usr1(int) {
  g_caught = g_caught + 1;
}

void line(const char* what, double p9, const char* raw_what, double raw) {
  fmt::print("  {:<40} {:>8.3f} us   {:<28} {:>7.3f} us   ratio {:>5.1f}x\n", what, p9 * 1e6,
             raw_what, raw * 1e6, p9 / raw);
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::string p9run = P9RUN_BINARY;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else if (a == "--p9run" && i + 1 < argc) {
      p9run = argv[++i];
    } else {
      fmt::print(stderr, "p9run_bench: usage: p9run_bench [--quick] [--p9run PATH]\n");
      return 2;
    }
  }
  const uint64_t n = quick ? 20000 : 500000;
  const uint64_t notes = quick ? 5000 : 100000;
  const int rounds = quick ? 2 : 5;

  std::string dir = (std::filesystem::temp_directory_path() / "p9run-bench.XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) {
    fmt::print(stderr, "p9run_bench: cannot make a temporary directory\n");
    return 1;
  }
  const double call = guest_cost(p9run, dir, n, 0, rounds);
  const double note = guest_cost(p9run, dir, notes, 1, rounds);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (call < 0 || note < 0) {
    fmt::print(stderr, "p9run_bench: running the Plan 9 program under {} failed\n", p9run);
    return 1;
  }

  timespec ts{};
  const double raw_call =
      host_cost(n, rounds, [&ts] { syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts); });

  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, nullptr);
  const pid_t self = getpid();
  const double raw_wait = host_cost(notes, rounds, [&] {
    kill(self, SIGUSR1);
    siginfo_t si;
    sigwaitinfo(&usr1, &si);
  });
  struct sigaction sa {};
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, nullptr);
  sigprocmask(SIG_UNBLOCK, &usr1, nullptr);
  const double raw_handler = host_cost(notes, rounds, [&] { kill(self, SIGUSR1); });

  fmt::print("p9run bench: {} calls, {} notes, best of {}\n", n, notes, rounds);
  line("trapped call (_nsec)", call, "raw syscall(clock_gettime)", raw_call);
  line("note round trip (post, handler, noted)", note, "kill + sigwaitinfo", raw_wait);
  line("", note, "kill + signal handler", raw_handler);
  return g_caught > 0 ? 0 : 1;
}
