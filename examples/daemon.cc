// A daemon in the shape most daemons have: reload its configuration on hangup, rotate its logs on
// a custom string note, and leave cleanly on kill (SIGTERM) or interrupt (Ctrl-C).
//
//   ./daemon &                      # prints its pid
//   note post PID hangup            # or: kill -HUP PID
//   note post PID 'rotate logs'
//   note post PID kill              # or: kill PID
#include <notes/format.h>
#include <notes/notes.h>

#include <fmt/core.h>

int main() {
  auto rx = notes::Receiver::open({"hangup", "rotate logs", "kill", "interrupt"});
  if (!rx) {
    fmt::print(stderr, "daemon: {}\n", rx.status());
    return 1;
  }
  fmt::print("{}\n", notes::this_process());
  std::fflush(stdout);
  for (;;) {
    auto note = rx->wait();
    if (!note) {
      fmt::print(stderr, "daemon: {}\n", note.status());
      return 1;
    }
    if (*note == "hangup") {
      fmt::print("reloading configuration\n");
    } else if (*note == "rotate logs") {
      fmt::print("rotating logs\n");
    } else {
      fmt::print("leaving on {}\n", *note);  // kill or interrupt
      return 0;
    }
    std::fflush(stdout);
  }
}
