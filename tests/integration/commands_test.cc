// note signals, note --help, and the usage errors every subcommand shares.
#include <signal.h>

#include <sstream>
#include <string>
#include <vector>

#include "integration/checks.h"
#include "integration/child.h"
#include "notes/signal_map.h"

using namespace integration;

namespace {

struct Row {
  int signal = 0;
  std::string name;
  std::string note;
};

// A line of `note signals`: number, macro name, then the note (which may hold spaces).
Row parse_row(const std::string& line) {
  std::istringstream in(line);
  Row row;
  in >> row.signal >> row.name >> std::ws;
  std::getline(in, row.note);
  return row;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("signals_prints_the_table") {
  Output r = note({"signals"});
  check_ok(r);
  std::vector<std::string> lines = lines_of(r.out);
  auto table = notes::signal_table();
  REQUIRE(lines.size() == table.size());
  for (size_t i = 0; i < lines.size(); i++) {
    CAPTURE(lines[i]);
    Row row = parse_row(lines[i]);
    CHECK(row.signal == table[i].signal);
    CHECK(row.name == table[i].name);
    CHECK(row.note == table[i].note);
  }
  // The rows a script is most likely to look up, spelled out.
  bool hup = false, intr = false, term = false, kill9 = false;
  for (const std::string& line : lines) {
    Row row = parse_row(line);
    hup |= row.signal == SIGHUP && row.name == "SIGHUP" && row.note == "hangup";
    intr |= row.signal == SIGINT && row.name == "SIGINT" && row.note == "interrupt";
    term |= row.signal == SIGTERM && row.name == "SIGTERM" && row.note == "kill";
    kill9 |= row.signal == SIGKILL && row.name == "SIGKILL" && row.note == "sys: kill";
  }
  CHECK(hup);
  CHECK(intr);
  CHECK(term);
  CHECK(kill9);
}

TEST_CASE("help_lists_subcommands_and_exit_codes") {
  Output help = note({"--help"});
  check_ok(help);
  for (const char* text : {
           "note post [-g] ID NOTE",
           "note wait [-n COUNT] [-t SECONDS] [NOTE...]",
           "note signals",
           "note run [--grace SECONDS] [--note NOTE] [--status first|last|worst|all]",
           "125 when it cannot supervise",
           "  0  success",
           "  1  timed out",
           "  2  usage error",
           "  3  note rejected",
           "  4  no such process",
           "  5  permission denied",
           "  6  note not posted",
           "  7  not deliverable",
           "  8  other system error",
       }) {
    CAPTURE(text);
    CHECK(help.out.find(text) != std::string::npos);
  }

  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"help"}, {"-h"}, {"post", "--help"}, {"wait", "-h"}, {"signals", "--help"}}) {
    Output same = note(args);
    check_ok(same);
    CHECK(same.out == help.out);
  }
}

TEST_CASE("usage_errors_are_one_line") {
  check_error(note({}), kUsage, "note: missing subcommand (try note --help)");
  check_error(note({"frob"}), kUsage, "note: unknown subcommand: frob (try note --help)");
  check_error(note({"--frob"}), kUsage, "note: unknown option: --frob");
  check_error(note({"wait", "-x"}), kUsage, "note: unknown option: -x");
  check_error(note({"wait", "-n"}), kUsage, "note: option -n needs a value");
  check_error(note({"wait", "-n", "abc"}), kUsage, "note: bad count: abc");
  check_error(note({"wait", "-n", "0"}), kUsage, "note: bad count: 0");
  check_error(note({"wait", "-n3x"}), kUsage, "note: bad count: 3x");
  check_error(note({"wait", "-t", "-1"}), kUsage, "note: bad number of seconds: -1");
  check_error(note({"wait", "-t", "soon"}), kUsage, "note: bad number of seconds: soon");
  check_error(note({"wait", "-t", "1e3"}), kUsage, "note: bad number of seconds: 1e3");
  check_error(note({"signals", "extra"}), kUsage, "note: signals: too many arguments");
  check_error(note({"signals", "-v"}), kUsage, "note: unknown option: -v");
}

TEST_CASE("wait_rejects_notes_it_cannot_wait_for") {
  // Rejected before the receiver opens, so not even the pid line is printed.
  check_error(note({"wait", ""}), kRejected, "note: empty note: a note has 1 to 127 bytes");
  check_error(note({"wait", "hangup", std::string(200, 'x')}), kRejected,
              "note: note too long: 200 bytes, at most 127");
  check_error(note({"wait", "sys: kill"}), kRejected,
              "note: note cannot be caught: sys: kill, sys: stop and the synchronous faults never "
              "reach a handler");
  std::vector<std::string> many = {"wait"};
  for (int i = 0; i < 33; i++) many.push_back("note " + std::to_string(i));
  check_error(note(many), kUsage, "note: too many notes in one set (at most 32)");
}
