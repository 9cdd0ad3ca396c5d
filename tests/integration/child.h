// Programs run by the integration tests as real processes, with their standard output and error
// read through pipes.
//
// Every wait here is bounded by a generous patience (30 s), so a broken program fails a test
// instead of hanging it; no test asserts that anything happens quickly.
#ifndef NOTES_TESTS_INTEGRATION_CHILD_H
#define NOTES_TESTS_INTEGRATION_CHILD_H

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace integration {

inline constexpr const char* kNote = NOTE_BINARY;  // the note command under test
inline constexpr std::chrono::seconds kPatience{30};

// An exit status as a shell reports it: the exit code, or 128 + the signal that killed it.
// kNoExit: the program was still running after kPatience and was killed.
inline constexpr int kNoExit = -1;

struct SpawnOptions {
  // 0: a new process group led by the child; another id: join that group; none: stay in ours.
  std::optional<pid_t> process_group = std::nullopt;
  // Run as this user and group (the test must be root).
  std::optional<uid_t> uid = std::nullopt;
  std::optional<gid_t> gid = std::nullopt;
  // "NAME=value" entries added to (or replacing those of) the test's environment.
  std::vector<std::string> env = {};
};

class Child {
 public:
  // Starts argv[0] (a path) with default signal dispositions, no blocked signals and standard
  // input from /dev/null. Throws std::runtime_error when it cannot.
  explicit Child(std::vector<std::string> argv, SpawnOptions options = {});
  ~Child();  // kills and reaps the process if it is still there
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& command() const { return command_; }

  // The next line of standard output without its newline, or a text in <angle brackets> saying
  // why there is none (end of output, no line within kPatience), which no expected line matches.
  std::string read_line();
  // Everything left on standard output / standard error, up to the end (the program's exit).
  std::string rest_of_output();
  std::string error_output();

  // Waits for the exit and returns its status (see kNoExit).
  int wait();
  // Waits until the process is stopped (SIGSTOP); false if it did not stop within kPatience.
  bool wait_stopped();
  // False once the process has exited (it is reaped then; wait() still returns its status).
  bool running();

 private:
  bool reaped(int flags);
  // Reads more from `fd` into `buf`; false at end of file or when `deadline` passes first.
  bool fill(int& fd, std::string& buf, std::chrono::steady_clock::time_point deadline);
  // Reads both pipes until the program closed them (it exited) or kPatience passed.
  void read_to_end();

  pid_t pid_ = -1;
  std::string command_;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  std::optional<int> status_;
};

// A program run to its end.
struct Output {
  std::string command;
  int status = kNoExit;
  std::string out;
  std::string err;
};

Output run(std::vector<std::string> argv, SpawnOptions options = {});

// `note ARGS...`
Output note(std::vector<std::string> args, SpawnOptions options = {});

}  // namespace integration

#endif  // NOTES_TESTS_INTEGRATION_CHILD_H
