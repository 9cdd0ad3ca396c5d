#include "cli.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>

#include <absl/strings/ascii.h>
#include <absl/strings/numbers.h>
#include <fmt/core.h>

namespace note_cli {
namespace {

absl::string_view to_absl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

Exit exit_for(notes::Code code) {
  using notes::Code;
  switch (code) {
    case Code::ok: return kSuccess;
    case Code::timed_out: return kTimedOut;
    case Code::invalid_argument:
    case Code::too_many: return kUsage;
    case Code::empty:
    case Code::too_long:
    case Code::contains_nul:
    case Code::uncatchable: return kRejected;
    case Code::no_such_process: return kNoSuchProcess;
    case Code::permission_denied: return kPermissionDenied;
    case Code::queue_full: return kQueueFull;
    case Code::not_deliverable: return kNotDeliverable;
    case Code::interrupted:
    case Code::stopped:
    case Code::io: return kSystemError;
  }
  return kSystemError;
}

Exit report(const notes::Status& status) {
  fmt::print(stderr, "note: {}\n", status.to_string());
  return exit_for(status.code());
}

Exit usage_error(std::string_view message) {
  fmt::print(stderr, "note: {}\n", message);
  return kUsage;
}

char OptionScanner::next() {
  value_ = {};
  if (pos_ == 0) {
    if (word_ >= args_.size()) return kEnd;
    std::string_view word = args_[word_];
    if (word == "--") {
      word_++;
      return kEnd;
    }
    if (word == "--help") {
      word_++;
      return 'h';
    }
    if (word.size() < 2 || word[0] != '-') return kEnd;
    if (word[1] == '-') {
      error_ = fmt::format("unknown option: {}", word);
      return kBad;
    }
    pos_ = 1;
  }
  std::string_view word = args_[word_];
  char letter = word[pos_++];
  auto finish_word = [&] {
    word_++;
    pos_ = 0;
  };
  size_t known = letters_.find(letter);
  if (letter == 'h') {
    known = 0;  // always known, even when `letters` does not list it
  } else if (letter == ':' || known == std::string_view::npos) {
    error_ = fmt::format("unknown option: -{}", letter);
    return kBad;
  }
  bool takes_value = letter != 'h' && known + 1 < letters_.size() && letters_[known + 1] == ':';
  if (!takes_value) {
    if (pos_ == word.size()) finish_word();
    return letter;
  }
  if (pos_ < word.size()) {
    value_ = word.substr(pos_);
    finish_word();
    return letter;
  }
  finish_word();
  if (word_ >= args_.size()) {
    error_ = fmt::format("option -{} needs a value", letter);
    return kBad;
  }
  value_ = args_[word_++];
  return letter;
}

std::optional<long> parse_id(std::string_view text) {
  int64_t id;
  if (!all_digits(text) || !absl::SimpleAtoi(to_absl(text), &id) || id < 1 || id > INT_MAX) {
    return std::nullopt;
  }
  return static_cast<long>(id);
}

std::optional<int64_t> parse_count(std::string_view text) {
  int64_t count;
  if (!all_digits(text) || !absl::SimpleAtoi(to_absl(text), &count) || count < 1) {
    return std::nullopt;
  }
  return count;
}

std::optional<std::chrono::nanoseconds> parse_seconds(std::string_view text) {
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  // "5", "0.5", ".5" and "5." are seconds; "", ".", "1e3", "inf" and "-1" are not.
  bool digits_only =
      (whole.empty() || all_digits(whole)) && (fraction.empty() || all_digits(fraction));
  double seconds;
  if (whole.empty() && fraction.empty()) return std::nullopt;
  if (!digits_only || !absl::SimpleAtod(to_absl(text), &seconds)) return std::nullopt;
  // A century is as good as forever, and leaves room to add it to a clock reading without
  // overflowing 64-bit nanoseconds (which last about 292 years).
  constexpr double kCentury = 100.0 * 365 * 24 * 3600;
  return std::chrono::nanoseconds(std::llround(std::min(seconds, kCentury) * 1e9));
}

}  // namespace note_cli
