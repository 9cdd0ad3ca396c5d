// What every subcommand of `note` shares: the exit codes, the one-line error report, and the
// scanning of options and numbers.
#ifndef NOTE_CLI_H
#define NOTE_CLI_H

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "notes/status.h"

namespace note_cli {

// Scripts branch on these, and `note --help` documents them: a code never changes meaning.
enum Exit : int {
  kSuccess = 0,
  kTimedOut = 1,
  kUsage = 2,
  kRejected = 3,
  kNoSuchProcess = 4,
  kPermissionDenied = 5,
  kQueueFull = 6,
  kNotDeliverable = 7,
  kSystemError = 8,
};

Exit exit_for(notes::Code code);

// Each reports one line, "note: ...", on standard error and returns the exit code to use. One
// line, so that a script that logs standard error gets one clear entry per failure.
Exit report(const notes::Status& status);
Exit usage_error(std::string_view message);

// Options in the POSIX utility style: they come before the operands; "--" ends them; "-" alone
// is an operand; "-ab" is "-a -b"; a value follows its letter in the same word ("-n3") or as the
// next word ("-n 3"). "-h" and "--help" are always known and come back as 'h'.
class OptionScanner {
 public:
  static constexpr char kEnd = '\0';  // the operands begin
  static constexpr char kBad = '?';   // error() says why

  // `letters` lists the known options; a letter followed by ':' takes a value, e.g. "n:t:".
  OptionScanner(std::span<char* const> args, std::string_view letters)
      : args_(args), letters_(letters) {}

  char next();
  std::string_view value() const { return value_; }  // of the option next() just returned
  const std::string& error() const { return error_; }
  std::span<char* const> operands() const { return args_.subspan(word_); }

 private:
  std::span<char* const> args_;
  std::string_view letters_;
  size_t word_ = 0;  // the word being scanned
  size_t pos_ = 0;   // the letter inside it, 0 when at the start of a word
  std::string_view value_;
  std::string error_;
};

// Decimal only: a process id that looks like "1e3" or " 12" is more likely a mistake than a
// request, so these accept digits (and one '.' for seconds) and nothing else.
std::optional<long> parse_id(std::string_view text);        // 1 to INT_MAX, the range of pid_t
std::optional<int64_t> parse_count(std::string_view text);  // 1 or more
std::optional<std::chrono::nanoseconds> parse_seconds(std::string_view text);  // 0 to a century

}  // namespace note_cli

#endif  // NOTE_CLI_H
