// notes/status.h: errors as values.
//
// Every fallible call returns a Status or a Result<T>; nothing throws. A Status carries a code a
// program can branch on and enough detail (a byte count, a pid, an errno) to print a message a
// person can act on.
//
// Thread-safety: Status and Result are plain values. Async-signal-safety: constructing, copying and
// calling message() on a Status is async-signal-safe (no allocation, no locks); to_string() is not.
#ifndef NOTES_STATUS_H
#define NOTES_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include <new>
#include <type_traits>
#include <utility>

// to_string needs <string>: hosted, or on Plan 9, whose runtime supplies what <string> needs.
#if __STDC_HOSTED__ || defined(__plan9__)
#include <string>
#endif

namespace notes {

enum class Code : uint8_t {
  ok = 0,
  empty,              // the note has no bytes
  too_long,           // more than 127 bytes (value: the length)
  contains_nul,       // a NUL byte inside the note (value: its offset)
  no_such_process,    // value: the pid
  permission_denied,  // value: the pid
  queue_full,         // "note not posted": the target's queue is full (value: the pid)
  not_deliverable,    // a string note to a process that has no mailbox (value: the pid)
  interrupted,        // a blocking call was interrupted
  timed_out,          // wait_for's time ran out, or try_receive found nothing
  stopped,            // the receiver was stopped
  uncatchable,        // the note cannot be caught (sys: kill, sys: stop) or is a synchronous fault
  invalid_argument,   // a bad pid, group, count or option
  too_many,           // a fixed table is full (receivers, handlers, notes in one receiver)
  io,                 // a system call failed (err: errno, what: which step)
};

// The stable lower-case name of a code, e.g. "queue_full".
const char* code_name(Code code) noexcept;

class [[nodiscard]] Status {
 public:
  constexpr Status() noexcept = default;
  // `value` is the code's detail (see Code); `err` an errno or 0; `what` a static string naming the
  // step or object involved (it is never copied, so pass a literal).
  constexpr Status(Code code, int64_t value = 0, int err = 0, const char* what = nullptr) noexcept
      : code_(code), err_(err), value_(value), what_(what) {}

  constexpr bool ok() const noexcept { return code_ == Code::ok; }
  constexpr Code code() const noexcept { return code_; }
  constexpr int64_t value() const noexcept { return value_; }
  constexpr int error_number() const noexcept { return err_; }
  constexpr const char* what() const noexcept { return what_; }

  // Writes the message (no trailing newline) into buf, always NUL-terminated when size > 0, and
  // returns the length it wanted. Async-signal-safe. Example: "note too long: 200 bytes, at most
  // 127".
  size_t message(char* buf, size_t size) const noexcept;
#if __STDC_HOSTED__ || defined(__plan9__)
  std::string to_string() const;
#endif

  friend constexpr bool operator==(const Status& a, Code c) noexcept {
    return a.code_ == c;
  }

 private:
  Code code_ = Code::ok;
  int err_ = 0;
  int64_t value_ = 0;
  const char* what_ = nullptr;
};

// A value or the Status that explains why there is none. T may be move-only.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) noexcept(std::is_nothrow_move_constructible_v<T>) : has_(true) {  // NOLINT
    new (&storage_) T(std::move(value));
  }
  Result(Status status) noexcept : status_(status) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = Status(Code::invalid_argument, 0, 0, "ok status without a value");
  }
  Result(Code code) noexcept : Result(Status(code)) {}  // NOLINT
  Result(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>)
      : status_(o.status_), has_(o.has_) {
    if (has_) new (&storage_) T(std::move(*o.ptr()));
  }
  Result& operator=(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (this != &o) {
      reset();
      status_ = o.status_;
      has_ = o.has_;
      if (has_) new (&storage_) T(std::move(*o.ptr()));
    }
    return *this;
  }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result() { reset(); }

  bool ok() const noexcept { return has_; }
  explicit operator bool() const noexcept { return has_; }
  // The error; Status() (ok) when there is a value.
  Status status() const noexcept { return status_; }

  // Precondition for these: ok().
  T& value() & noexcept { return *ptr(); }
  const T& value() const& noexcept { return *ptr(); }
  T&& value() && noexcept { return std::move(*ptr()); }
  T& operator*() & noexcept { return *ptr(); }
  const T& operator*() const& noexcept { return *ptr(); }
  T* operator->() noexcept { return ptr(); }
  const T* operator->() const noexcept { return ptr(); }

 private:
  T* ptr() noexcept { return std::launder(reinterpret_cast<T*>(&storage_)); }
  const T* ptr() const noexcept { return std::launder(reinterpret_cast<const T*>(&storage_)); }
  void reset() noexcept {
    if (has_) ptr()->~T();
    has_ = false;
  }

  Status status_;
  bool has_ = false;
  alignas(T) unsigned char storage_[sizeof(T)];
};

}  // namespace notes

#endif  // NOTES_STATUS_H
