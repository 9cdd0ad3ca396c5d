// NoteFilter: the notes one receiver or handler wants, in a form the entry point can test without
// allocating: each note with its carrier, or "every plain note" (NoteSet::all()).
#ifndef NOTES_COMMON_NOTE_FILTER_H
#define NOTES_COMMON_NOTE_FILTER_H

#include "common/backend.h"
#include "notes/note.h"
#include "notes/note_set.h"
#include "notes/status.h"

namespace notes::detail {

struct NoteFilter {
  static constexpr int kMaxNotes = 32;

  bool all = false;
  int count = 0;
  Note notes[kMaxNotes];
  int carriers[kMaxNotes] = {};

  // Fills the filter from a NoteSet; errors as Receiver::open documents.
  Status assign(const NoteSet& set) noexcept;

  bool matches(const Note& note, int carrier) const noexcept {
    if (all && !note.is_system()) return true;
    for (int i = 0; i < count; i++) {
      if (carriers[i] == carrier && (carrier != kMailbox || notes[i] == note)) return true;
    }
    return false;
  }

  // Whether it takes string notes (the mailbox carrier).
  bool wants_strings() const noexcept {
    for (int i = 0; i < count; i++) {
      if (carriers[i] == kMailbox) return true;
    }
    return all;
  }

  // Calls fn(carrier) once for each carrier the filter needs watched.
  template <typename Fn>
  void for_each_carrier(Fn fn) const noexcept {
    bool seen[kMaxCarriers] = {};
    auto once = [&](int c) {
      if (!seen[c]) {
        seen[c] = true;
        fn(c);
      }
    };
    if (all) {
      once(kMailbox);
      for (int c : backend::plain_carriers()) once(c);
    }
    for (int i = 0; i < count; i++) once(carriers[i]);
  }
};

}  // namespace notes::detail

#endif  // NOTES_COMMON_NOTE_FILTER_H
