// The note frame as the kernel builds it (plan9-abi.md "Note handler frame"; 9front pc64/trap.c
// notify), checked through notify/noted with a minimal trampoline: RBP and [SP+8] hold the Ureg,
// [SP+16] the note text 136 bytes below it, the Ureg's pc and sp are the interrupted ones,
// noted(NCONT) resumes, noted(NDFLT) ends the proc with the note as its exit string, and the
// kernel's alarm note interrupts a sleep. This file is compiled with -mgeneral-regs-only: any FPU
// instruction in the handler would kill the process.
#include "check.h"
#include "child.h"

extern "C" {
void note_test_entry();
int note_test_handler(plan9::Ureg* ureg, char* note, plan9::Ureg* rbp);
void note_test_noted(int action);
}

// The trampoline: pick up the kernel's arguments, align the stack, clear the direction flag
// (the kernel keeps the interrupted flags), call the handler, then end in noted with its answer.
asm(R"(
	.text
	.globl	note_test_entry
	.type	note_test_entry, @function
note_test_entry:
	movq	8(%rsp), %rdi
	movq	16(%rsp), %rsi
	movq	%rbp, %rdx
	andq	$-16, %rsp
	cld
	call	note_test_handler
	movl	%eax, %edi
	call	note_test_noted
	ud2
	.size	note_test_entry, . - note_test_entry
)");

namespace {

char last_note[plan9::kErrMax];
int notes_seen = 0;
bool frame_ok = false;
std::uint64_t interrupted_pc = 0;
std::uint64_t interrupted_sp = 0;
bool die_on_note = false;

void copy(char* dst, const char* src) {
  int i = 0;
  for (; i + 1 < plan9::kErrMax && src[i] != 0; i++) dst[i] = src[i];
  dst[i] = 0;
}

int post_self(const char* note) {
  char path[64];
  plan9::snprint(path, sizeof path, "/proc/%d/note", plan9::getpid());
  const int fd = plan9::open(path, plan9::OWRITE);
  if (fd < 0) return -1;
  int n = 0;
  while (note[n] != 0) n++;
  const long r = plan9::write(fd, note, n);  // the note is delivered as this call returns
  plan9::close(fd);
  return r == n ? 0 : -1;
}

}  // namespace

extern "C" int note_test_handler(plan9::Ureg* ureg, char* note, plan9::Ureg* rbp) {
  notes_seen++;
  copy(last_note, note);
  frame_ok = ureg == rbp && note == reinterpret_cast<char*>(ureg) - 136;
  interrupted_pc = ureg->pc;
  interrupted_sp = ureg->sp;
  return die_on_note ? plan9::NDFLT : plan9::NCONT;
}

extern "C" void note_test_noted(int action) {
  plan9::noted(action);
}

int main(int argc, char** argv) {
  if (argc > 1 && p9test::equal(argv[1], "die")) {
    die_on_note = true;
    plan9::notify(note_test_entry);
    post_self("die now");
    plan9::_exits("still alive");
  }

  CHECK(plan9::notify(note_test_entry) == 0);
  int local = 0;
  const auto sp_here = reinterpret_cast<std::uint64_t>(&local);
  CHECK(post_self("hello note") == 0);
  plan9::print("note %d: '%s', pc %#llx, sp %#llx\n", notes_seen, last_note,
               static_cast<unsigned long long>(interrupted_pc),
               static_cast<unsigned long long>(interrupted_sp));
  CHECK(notes_seen == 1);
  CHECK(p9test::equal(last_note, "hello note"));
  CHECK(frame_ok);
  CHECK(interrupted_pc > 0x200028 && interrupted_pc < 0x400000);  // in our text
  CHECK(interrupted_sp < sp_here && sp_here - interrupted_sp < 4096);

  // The kernel's own note: alarm interrupts a sleep.
  CHECK(plan9::alarm(50) == 0);
  const int slept = plan9::sleep(5000);
  CHECK(slept == -1);
  CHECK(notes_seen == 2);
  CHECK(p9test::equal(last_note, "alarm"));

  // NDFLT: the proc dies with the note as its exit string.
  const p9test::ChildResult r = p9test::run_child(argv[0], "die");
  plan9::print("die: wait message %s\n", r.wait_msg);
  CHECK(r.ran);
  CHECK(p9test::ends_with(r.status, ": die now"));

  CHECK(plan9::notify(nullptr) == 0);
  return p9test::summary();
}
