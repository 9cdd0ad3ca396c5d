// notes/format.h: fmt support, so `fmt::print("{}", status)` and `fmt::print("{}", note)` work.
// Header-only; include it only where fmt is available (the library itself does not need fmt).
#ifndef NOTES_FORMAT_H
#define NOTES_FORMAT_H

#include <fmt/format.h>

#include "notes/note.h"
#include "notes/status.h"

template <>
struct fmt::formatter<notes::Status> : fmt::formatter<fmt::string_view> {
  template <typename Context>
  auto format(const notes::Status& status, Context& ctx) const {
    char buf[256];
    size_t n = status.message(buf, sizeof buf);
    return fmt::formatter<fmt::string_view>::format(
        fmt::string_view(buf, n < sizeof buf ? n : sizeof buf - 1), ctx);
  }
};

template <>
struct fmt::formatter<notes::Note> : fmt::formatter<fmt::string_view> {
  template <typename Context>
  auto format(const notes::Note& note, Context& ctx) const {
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(note.c_str(), note.size()),
                                                    ctx);
  }
};

#endif  // NOTES_FORMAT_H
