// TextBuffer: appends text and decimal numbers to a caller's buffer, without allocating, so that
// messages can be built in a signal handler and in the freestanding Plan 9 runtime.
#ifndef NOTES_COMMON_TEXT_H
#define NOTES_COMMON_TEXT_H

#include <stddef.h>
#include <stdint.h>

namespace notes::detail {

// The text of an errno value (strerror is neither async-signal-safe nor freestanding). Names the
// errno when it has no text here, e.g. "error 75".
const char* errno_text(int err) noexcept;

class TextBuffer {
 public:
  TextBuffer(char* buf, size_t size) noexcept : buf_(buf), size_(size) { terminate(); }

  TextBuffer& add(const char* s) noexcept {
    while (*s) put(*s++);
    terminate();
    return *this;
  }
  TextBuffer& add(const char* s, size_t n) noexcept {
    for (size_t i = 0; i < n; i++) put(s[i]);
    terminate();
    return *this;
  }
  TextBuffer& add(int64_t v) noexcept {
    uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    if (v < 0) put('-');
    return add_unsigned(u);
  }
  TextBuffer& add_unsigned(uint64_t u) noexcept {
    char digits[20];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u != 0);
    while (n > 0) put(digits[--n]);
    terminate();
    return *this;
  }
  TextBuffer& add_errno(int err) noexcept { return add(errno_text(err)); }

  // The length the whole text needs (without the NUL); more than size-1 means it was cut.
  size_t wanted() const noexcept { return len_; }
  const char* c_str() const noexcept { return buf_; }

 private:
  void put(char c) noexcept {
    if (len_ + 1 < size_) buf_[len_] = c;
    len_++;
  }
  void terminate() noexcept {
    if (size_ > 0) buf_[len_ < size_ ? len_ : size_ - 1] = '\0';
  }
  char* buf_;
  size_t size_;
  size_t len_ = 0;
};

}  // namespace notes::detail

#endif  // NOTES_COMMON_TEXT_H
