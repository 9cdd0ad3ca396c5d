#include "notes/exit_status.h"

#include "common/text.h"

namespace notes {
namespace {

void set_text(char* dst, uint8_t* size, std::string_view text) noexcept {
  size_t n = text.size() < ExitStatus::kMaxText ? text.size() : ExitStatus::kMaxText;
  // Never split a UTF-8 sequence: back up over continuation bytes.
  if (n < text.size()) {
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) n--;
  }
  for (size_t i = 0; i < n; i++) dst[i] = text[i];
  dst[n] = '\0';
  *size = static_cast<uint8_t>(n);
}

}  // namespace

ExitStatus ExitStatus::exited(int code) noexcept {
  ExitStatus s;
  s.code_ = code & 0xff;
  if (s.code_ != 0) {
    char buf[32];
    detail::TextBuffer t(buf, sizeof buf);
    t.add("exit ").add(static_cast<int64_t>(s.code_));
    set_text(s.text_, &s.size_, std::string_view(buf, t.wanted()));
  }
  return s;
}

ExitStatus ExitStatus::killed(int signal) noexcept {
  ExitStatus s;
  s.signal_ = signal;
  s.code_ = (128 + signal) & 0xff;
  char buf[32];
  detail::TextBuffer t(buf, sizeof buf);
  t.add("signal ").add(static_cast<int64_t>(signal));
  set_text(s.text_, &s.size_, std::string_view(buf, t.wanted()));
  return s;
}

ExitStatus ExitStatus::plan9(std::string_view text) noexcept {
  ExitStatus s;
  set_text(s.text_, &s.size_, text);
  s.code_ = s.size_ == 0 ? 0 : 1;
  return s;
}

}  // namespace notes
