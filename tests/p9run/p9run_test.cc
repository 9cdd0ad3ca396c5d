// p9run run as a program: command-line errors, a.out checks, the 9front note rules (hand-made
// Plan 9 programs in guest/), and Go programs built for plan9/amd64 (go/).
#define DOCTEST_CONFIG_NO_POSIX_SIGNALS
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "run.h"

namespace {

using p9run_test::Result;
using p9run_test::Run;
using p9run_test::TempDir;

std::string guest(const std::string& name) {
  return std::string(P9RUN_GUEST_DIR) + "/" + name;
}
std::string go(const std::string& name) {
  return std::string(P9RUN_GO_DIR) + "/" + name;
}

Result p9run(std::vector<std::string> args, Run r = {}) {
  r.argv = {P9RUN_BINARY};
  r.argv.insert(r.argv.end(), args.begin(), args.end());
  return p9run_test::run(r);
}

size_t lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// Go programs are built only when Go is installed; without it the test is skipped (ctest's
// SKIP_RETURN_CODE).
void need_go() {
  if (!P9RUN_GO_AVAILABLE) {
    MESSAGE("skipped: go is not installed");
    std::exit(77);
  }
}

// A big-endian Plan 9 a.out header.
std::string header(uint32_t magic, uint32_t text, uint32_t data, uint32_t bss, uint64_t entry) {
  std::string h;
  auto be = [&h](uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) h += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  be(magic, 4);
  be(text, 4);
  be(data, 4);
  be(bss, 4);
  be(0, 4);
  be(entry & 0x7fffffff, 4);
  be(0, 4);
  be(0, 4);
  be(entry, 8);
  return h;
}

void expect_start_error(const std::string& path, const std::string& why) {
  const Result r = p9run({path});
  CHECK(r.status == 2);
  CHECK(lines(r.err) == 1);
  CHECK(contains(r.err, "p9run: "));
  CHECK(contains(r.err, why));
  CHECK(r.out.empty());
}

}  // namespace

// --- the command line and the loader ---------------------------------------------------------

TEST_CASE("cli.no_program") {
  const Result r = p9run({});
  CHECK(r.status == 2);
  CHECK(lines(r.err) == 1);
  CHECK(contains(r.err, "usage: p9run"));
}

TEST_CASE("cli.unknown_option") {
  const Result r = p9run({"-z", "x"});
  CHECK(r.status == 2);
  CHECK(lines(r.err) == 1);
  CHECK(contains(r.err, "unknown option -z"));
}

TEST_CASE("loader.missing_file") {
  expect_start_error("/nonexistent/prog", "No such file");
}

TEST_CASE("loader.not_an_aout") {
  TempDir d;
  p9run_test::write_file(d.file("text"), "echo this is a shell script\n");
  expect_start_error(d.file("text"), "not a Plan 9 amd64 a.out");
}

TEST_CASE("loader.elf_file") {
  expect_start_error(P9RUN_BINARY, "not a Plan 9 amd64 a.out");
}

TEST_CASE("loader.empty_file") {
  TempDir d;
  p9run_test::write_file(d.file("empty"), "");
  expect_start_error(d.file("empty"), "not a Plan 9 amd64 a.out");
}

TEST_CASE("loader.truncated_header") {
  TempDir d;
  p9run_test::write_file(d.file("short"), header(0x8A97, 16, 0, 0, 0x200028).substr(0, 20));
  expect_start_error(d.file("short"), "truncated a.out header");
}

TEST_CASE("loader.truncated_text") {
  TempDir d;
  p9run_test::write_file(d.file("cut"), header(0x8A97, 4096, 64, 0, 0x200028) + "\xeb\xfe");
  expect_start_error(d.file("cut"), "truncated a.out");
}

TEST_CASE("loader.entry_outside_text") {
  TempDir d;
  p9run_test::write_file(d.file("entry"), header(0x8A97, 2, 0, 0, 0x300000) + "\xeb\xfe");
  expect_start_error(d.file("entry"), "entry 0x300000 outside text");
}

TEST_CASE("loader.wrong_magic") {
  TempDir d;
  p9run_test::write_file(d.file("386"), header(0x01EB, 2, 0, 0, 0x200028) + "\xeb\xfe");
  expect_start_error(d.file("386"), "magic 0x1eb");
}

// --- notes, with hand-made Plan 9 programs ---------------------------------------------------

TEST_CASE("notes.queue_holds_five_and_refuses_the_sixth") {
  const Result r = p9run({guest("note_queue")});
  CHECK(r.status == 0);
  CHECK(r.out == "first\nn1\nn2\nn3\nn4\nn5\nsixth: note not posted\n");
  CHECK(r.err.empty());
}

TEST_CASE("notes.handler_frame_layout") {
  const Result r = p9run({guest("note_frame")});
  CHECK(r.status == 0);
  CHECK(r.out == "frame ok\n");
}

TEST_CASE("notes.nsave_and_nrstr") {
  const Result r = p9run({guest("note_save")});
  CHECK(r.status == 0);
  CHECK(r.out == "first\ncont: ureg ok\ncont: frame ok\nnested\ncont: after nested\nback\n");
}

TEST_CASE("notes.default_action_exits_with_the_note") {
  const Result r = p9run({guest("note_default")});
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "p9run: note_default: exit: custom death\n");
}

TEST_CASE("notes.ndflt_exits_with_the_note") {
  const Result r = p9run({guest("note_default"), "ndflt"});
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "p9run: note_default: exit: custom death\n");
}

TEST_CASE("notes.noted_when_not_notified_is_suicide") {
  const Result r = p9run({guest("note_default"), "bad"});
  CHECK(r.status == 1);
  CHECK(contains(r.err, "call to noted() when not notified"));
  CHECK(contains(r.err, "p9run: note_default: exit: Suicide\n"));
}

TEST_CASE("notes.trap_read_fault_reaches_the_handler") {
  const Result r = p9run({guest("note_trap"), "read"});
  CHECK(r.status == 0);
  CHECK(r.out == "recovered from: sys: trap: fault read addr=0x0\n");
}

TEST_CASE("notes.trap_write_fault_reaches_the_handler") {
  const Result r = p9run({guest("note_trap"), "write"});
  CHECK(r.status == 0);
  CHECK(r.out == "recovered from: sys: trap: fault write addr=0x8\n");
}

TEST_CASE("notes.trap_divide_error_reaches_the_handler") {
  const Result r = p9run({guest("note_trap"), "divide"});
  CHECK(r.status == 0);
  CHECK(r.out == "recovered from: sys: trap: divide error\n");
}

TEST_CASE("notes.trap_without_handler_is_suicide") {
  const Result r = p9run({guest("note_trap"), "nohandler"});
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(contains(r.err, ": suicide: sys: trap: fault read addr=0x0 pc=0x"));
  CHECK(contains(r.err, "p9run: note_trap: exit: sys: trap: fault read addr=0x0 pc=0x"));
}

TEST_CASE("notes.system_note_in_handler_kills") {
  const Result r = p9run({guest("note_trap"), "inhandler"});
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(contains(r.err, ": suicide: sys: trap: fault read addr=0x0 pc=0x"));
  CHECK(contains(r.err, "p9run: note_trap: exit: sys: trap: fault read addr=0x0"));
}

TEST_CASE("notes.interrupts_blocked_calls") {
  for (const char* call : {"sleep", "semacquire", "tsemacquire", "rendezvous", "pipe", "await"}) {
    CAPTURE(call);
    const Result r = p9run({guest("note_interrupt"), call});
    CHECK(r.status == 0);
    CHECK(r.out == std::string(call) + ": -1 interrupted after the alarm, handler ran\n");
  }
}

TEST_CASE("notes.notepg_reaches_the_group_but_not_the_writer") {
  const Result r = p9run({guest("note_group")});
  CHECK(r.status == 0);
  CHECK(r.out == "same group: got ping\nown group: no note\n");
}

TEST_CASE("notes.write_limits_and_reading_the_note_file") {
  const Result r = p9run({guest("note_errors")});
  CHECK(r.status == 0);
  CHECK(r.out ==
        "no such pid: file does not exist\n"
        "notepg opened for reading: permission denied\n"
        "128 bytes: read or write too large\n"
        "127 bytes: ok\n"
        "read back 128 bytes\n"
        "nothing else delivered\n");
}

TEST_CASE("notes.ctl_kill_runs_no_handler") {
  const Result r = p9run({guest("proc_ctl")});
  CHECK(r.status == 0);
  CHECK(r.out == "child: Killed (no handler ran)\n");
}

TEST_CASE("notes.host_signals_become_notes") {
  const std::pair<int, const char*> cases[] = {
      {SIGINT, "interrupt"}, {SIGHUP, "hangup"}, {SIGTERM, "kill"}, {SIGQUIT, "quit"}};
  for (const auto& c : cases) {
    const int sig = c.first;
    const std::string note = c.second;
    CAPTURE(note);
    Run run;
    run.signal_after = 0.5;
    run.signal = sig;
    const Result r = p9run({guest("note_default"), "sleep"}, run);
    CHECK(r.status == 1);
    CHECK(r.out == "sleeping\n");
    CHECK(r.err == std::string("p9run: note_default: exit: ") + note + "\n");
    CHECK(r.seconds < 10);
  }
}

TEST_CASE("procs.rfork_shares_memory_not_stack") {
  const Result r = p9run({guest("proc_fork")});
  CHECK(r.status == 0);
  CHECK(r.out ==
        "RFMEM: shared 42, stack 1, child ok\n"
        "copy: shared 42\n"
        "no more children: no living children\n");
}

TEST_CASE("calls.unimplemented_fail_with_one_warning_each") {
  const Result r = p9run({guest("unimplemented")});
  CHECK(r.status == 0);
  CHECK(r.out ==
        "bind: -1 p9run: bind not implemented\n"
        "bind again: -1 p9run: bind not implemented\n"
        "mount: -1 p9run: mount not implemented\n"
        "call 60: -1 bad arg in system call\n"
        "note: sys: bad sys call\n");
  CHECK(r.err ==
        "p9run: warning: unimplemented: system call bind (2) is not implemented\n"
        "p9run: warning: unimplemented: system call mount (46) is not implemented\n");
}

// --- Go programs ---------------------------------------------------------------------------

TEST_CASE("go.hello_with_arguments") {
  need_go();
  Run run;
  run.env = {"P9RUN_TEST=yes"};
  const Result r = p9run({go("hello"), "a", "b c"}, run);
  CHECK(r.status == 0);
  CHECK(r.out == "hello from Plan 9: a b c\n");
  CHECK(r.err.empty());
}

TEST_CASE("go.exit_status") {
  need_go();
  const Result r = p9run({go("exit")});
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "p9run: exit: exit: 3\n");
}

TEST_CASE("go.goroutines_on_several_procs") {
  need_go();
  const Result r = p9run({go("goroutines")});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "total 4950, sum 14, procs "));
  CHECK(r.err.empty());
}

TEST_CASE("go.os_signal_receives_a_note") {
  need_go();
  const Result r = p9run({go("signal")});
  CHECK(r.status == 0);
  CHECK(r.out == "received interrupt\n");
}

TEST_CASE("go.sigint_to_p9run_reaches_os_signal") {
  need_go();
  Run run;
  run.signal_after = 1.5;
  run.signal = SIGINT;
  const Result r = p9run({go("signal"), "wait"}, run);
  CHECK(r.status == 0);
  CHECK(r.out == "received interrupt\nwaiting\nreceived interrupt again\n");
}

TEST_CASE("go.sigterm_to_p9run_is_the_kill_note") {
  need_go();
  Run run;
  run.signal_after = 1.5;
  run.signal = SIGTERM;
  const Result r = p9run({go("signal"), "wait"}, run);
  CHECK(r.status == 1);
  CHECK(r.out == "received interrupt\nwaiting\n");
  CHECK(r.err == "p9run: signal: exit: kill\n");
}

TEST_CASE("go.files") {
  need_go();
  TempDir d;
  Run run;
  run.env = {"P9RUN_TEST=yes"};
  run.dir = d.path();
  const Result r = p9run({go("files"), d.path()}, run);
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "content \"hello\\nworld\\n\"\n"
        "after seek \"world\\n\"\n"
        "fstat a.txt 12 true\n"
        "stat b.txt 12 -rw-------\n"
        "old name gone: true\n"
        "entries b.txt(dir=false) sub(dir=true)\n"
        "open removed: true\n"
        "pipe \"through a pipe\"\n"
        "env yes\n"
        "/env/P9RUN_SET \"value\"\n"
        "pid matches: true\n"
        "hostname set: true\n"
        "cwd is dir: true\n");
}

TEST_CASE("go.nil_dereference_is_a_trap_note") {
  need_go();
  Result r = p9run({go("trap")});
  CHECK(r.status == 0);
  CHECK(r.out == "recovered: runtime error: invalid memory address or nil pointer dereference\n");
  r = p9run({go("trap"), "again"});
  CHECK(r.status == 1);
  CHECK(contains(r.err, "[signal sys: trap: fault read"));
  CHECK(contains(r.err, "p9run: trap: exit: 2\n"));
}

TEST_CASE("go.os_exec_runs_a_plan9_program") {
  need_go();
  const Result r = p9run({go("exec")});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "output \"child says hi\\n\", err <nil>\n"));
  CHECK(contains(r.out, "failing child: exit status: 'exec "));
  CHECK(contains(r.out, ": 4'\n"));
}
