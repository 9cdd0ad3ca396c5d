// Running p9run as a child process and collecting what it printed.
#pragma once

#include <string>
#include <vector>

namespace p9run_test {

struct Result {
  int status = -1;  // exit status, or 128+signal
  std::string out;
  std::string err;
  double seconds = 0;
};

// Runs `argv` with `env` added to the environment, in directory `dir` (empty: the current
// one). After `signal_after` seconds (if > 0) sends `signal` to the child once; after
// `timeout` seconds kills it.
struct Run {
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string dir;
  double signal_after = 0;
  int signal = 0;
  double timeout = 60;
};
Result run(const Run& r);

// A fresh directory for one test, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes `bytes` to `path`.
void write_file(const std::string& path, const std::string& bytes);

}  // namespace p9run_test
