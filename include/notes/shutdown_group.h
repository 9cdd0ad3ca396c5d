// notes/shutdown_group.h: the group-shutdown broadcaster.
//
// A ShutdownGroup supervises processes it spawned (members), each in a process group of its own.
// When a member exits (policy: any exit, or only a failure), when the supervisor receives a
// termination note (interrupt, hangup, kill), or when shutdown() is called, it runs one ladder:
//
//   1. post the shutdown note (default "kill", i.e. SIGTERM) exactly once to every member's
//      process group that still has a process in it;
//   2. send SIGCONT, so a stopped member can act on the note;
//   3. wait the grace period; a second termination note to the supervisor skips the wait;
//   4. hard-kill what is left (SIGKILL to each member's group), reap everything.
//
// The group's exit status follows a policy (first, last, worst, all); a member killed by signal S
// counts as 128+S. On Linux the supervisor is a child subreaper, so grandchildren are reaped too,
// and a guard process kills every member's group if the supervisor itself is SIGKILLed.
//
// Every step is an Event with its time since the group was made, passed to Options::on_event.
//
// Thread-safety: spawn() and run() belong to one thread; shutdown() may be called from any thread
// and is async-signal-safe. on_event runs on the thread that calls run() (or spawn()).
#ifndef NOTES_SHUTDOWN_GROUP_H
#define NOTES_SHUTDOWN_GROUP_H

#include <stdint.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "notes/exit_status.h"
#include "notes/note.h"
#include "notes/status.h"

namespace notes {

// Which exit decides the group's status.
enum class StatusPolicy {
  first,  // the first member to exit (Plan 9: the first proc's exit status is the program's)
  last,   // the last member to exit
  worst,  // the highest exit code of any member
  all,    // 0 only if every member succeeded; else the first failure's code
};

// Which member exits start the shutdown.
enum class TriggerPolicy {
  any_exit,  // any member exiting, successfully or not
  failure,   // only a member that failed (a non-zero code or a signal)
};

struct MemberSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::vector<std::string> env;   // "NAME=value" entries; empty: inherit the supervisor's
  std::string dir;                // working directory; empty: the supervisor's
  std::string name;               // for events; empty: argv[0]
};

struct Event {
  enum class Kind {
    started,        // member spawned (pid)
    spawn_failed,   // member could not be started (status: 127 not found, 126 not executable)
    exited,         // member's own process ended (status)
    trigger,        // the ladder starts (detail says why)
    note_posted,    // shutdown note posted to the member's group
    continued,      // SIGCONT sent to the member's group
    grace_skipped,  // a second termination note: no more waiting
    escalated,      // grace over: SIGKILL sent to the member's group
    reaped,         // member's whole group is gone; member < 0: an orphan the supervisor reaped
    error,          // the supervisor itself failed (detail); the group exits 125
    finished,       // everything reaped (status: the group's)
  };
  Kind kind;
  std::chrono::nanoseconds elapsed;  // since the group was made
  int member = -1;                   // index in spawn order, or -1
  long pid = 0;
  std::string_view name;    // the member's name (valid during the callback)
  ExitStatus status;        // exited, spawn_failed, finished
  std::string_view detail;  // trigger reason, note text, error text (valid during the callback)
};

// The lower-case name of an event kind, e.g. "note_posted".
const char* event_name(Event::Kind kind) noexcept;

class ShutdownGroup {
 public:
  struct Options {
    std::chrono::nanoseconds grace = std::chrono::seconds(5);
    std::string note = "kill";  // the shutdown note; any note, mapped or string
    StatusPolicy status = StatusPolicy::first;
    TriggerPolicy on = TriggerPolicy::any_exit;
    std::function<void(const Event&)> on_event;
  };

  explicit ShutdownGroup(Options options);
  ShutdownGroup() : ShutdownGroup(Options{}) {}
  ~ShutdownGroup();
  ShutdownGroup(const ShutdownGroup&) = delete;
  ShutdownGroup& operator=(const ShutdownGroup&) = delete;

  // Starts a member; returns its index. A member that cannot be started is reported as a
  // spawn_failed event, counts as an exit with 127 (not found) or 126, and starts the shutdown;
  // spawn still returns its index. Errors: invalid_argument (empty argv, or after the shutdown
  // began), io (fork failed).
  Result<int> spawn(MemberSpec spec);
  Result<int> spawn(std::vector<std::string> argv) {
    return spawn(MemberSpec{std::move(argv), {}, {}, {}});
  }

  // Starts the ladder now (as if a member had exited). Safe from any thread and from a signal
  // handler; idempotent.
  void shutdown() noexcept;

  // Supervises until every member and its group is gone; returns the group's status. A group
  // with no members returns success at once.
  ExitStatus run();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace notes

#endif  // NOTES_SHUTDOWN_GROUP_H
