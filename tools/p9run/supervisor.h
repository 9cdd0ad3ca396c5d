// The supervisor: the p9run process itself, which runs no guest code.
//
// It checks the a.out, makes the session table and the /env directory, forks the first proc,
// and then reaps every proc (all are its children through CLONE_PARENT): it turns each exit
// string into the parent's wait message (9front pexit), and reports the first proc's exit
// string as p9run's status. Host signals sent to p9run become notes for the first proc's note
// group: SIGINT "interrupt", SIGHUP "hangup", SIGQUIT "quit" and SIGTERM "kill" (the note Go's
// os.Process.Kill sends and plan9port maps to SIGTERM: a request to exit that a handler may
// see). A terminal's SIGINT reaches the procs too, and they ignore it.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace p9run {

struct Options {
  bool debug = false;
  std::vector<std::pair<std::string, std::string>> binds;  // Plan 9 name -> host name
  std::string program;                                     // as given on the command line
  std::vector<std::string> args;                           // argv for the guest, argv[0] first
};

// Runs the program; returns p9run's exit status (0, 1, or 2 when it could not start).
int run_session(const Options& opt);

}  // namespace p9run
