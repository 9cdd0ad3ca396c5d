// The note/signal table works both ways, as plan9port's does.
#include <doctest/doctest.h>
#include <signal.h>

#include <string>

#include "notes/signal_map.h"

TEST_CASE("every row maps both ways") {
  for (const notes::SignalName& row : notes::signal_table()) {
    CAPTURE(row.note);
    CHECK(notes::note_for_signal(row.signal) == row.note);
    CHECK(notes::signal_for_note(row.note) == row.signal);
  }
}

TEST_CASE("plan9port's names for the common signals") {
  CHECK(notes::signal_for_note("hangup") == SIGHUP);
  CHECK(notes::signal_for_note("interrupt") == SIGINT);
  CHECK(notes::signal_for_note("quit") == SIGQUIT);
  CHECK(notes::signal_for_note("alarm") == SIGALRM);
  CHECK(notes::signal_for_note("kill") == SIGTERM);
  CHECK(notes::signal_for_note("sys: kill") == SIGKILL);
  CHECK(notes::signal_for_note("sys: usr1") == SIGUSR1);
  CHECK(notes::signal_for_note("sys: write on closed pipe") == SIGPIPE);
  CHECK(notes::note_for_signal(SIGWINCH) == "sys: window size change");
}

TEST_CASE("signals without a name are sys: signal N, and only that spelling maps back") {
#ifdef SIGRTMIN
  const int rt = SIGRTMIN + 2;
  std::string name = "sys: signal " + std::to_string(rt);
  CHECK(notes::note_for_signal(rt) == name);
  CHECK(notes::signal_for_note(name) == rt);
#endif
  CHECK(notes::signal_for_note("sys: signal 1") == 0);  // SIGHUP is spelled "hangup"
  CHECK(notes::signal_for_note("sys: signal 0") == 0);
  CHECK(notes::signal_for_note("sys: signal 040") == 0);
  CHECK(notes::signal_for_note("sys: signal 999") == 0);
  CHECK(notes::signal_for_note("sys: signal x") == 0);
  CHECK(notes::signal_for_note("sys: signal ") == 0);
  CHECK(notes::signal_for_note("rotate logs") == 0);
  CHECK(notes::note_for_signal(0).empty());
  CHECK(notes::note_for_signal(100000).empty());
}

TEST_CASE("uncatchable notes") {
  CHECK(notes::is_uncatchable("sys: kill"));
  CHECK(notes::is_uncatchable("sys: stop"));
  CHECK(notes::is_uncatchable("sys: segmentation violation"));
  CHECK(!notes::is_uncatchable("kill"));
  CHECK(!notes::is_uncatchable("sys: usr1"));
  CHECK(!notes::is_uncatchable("any string"));
}
