// notes/note_set.h: which notes a receiver or handler wants.
//
// A NoteSet is either a list of notes or "every note but system notes" (all()). System notes
// ("sys: ...") are never part of all(): a program that wants "sys: usr1" names it.
//
// Thread-safety: a plain value; build it in one thread. Not async-signal-safe (it allocates).
#ifndef NOTES_NOTE_SET_H
#define NOTES_NOTE_SET_H

#include <initializer_list>
#include <string_view>
#include <vector>

#include "notes/note.h"

namespace notes {

class NoteSet {
 public:
  // The empty set.
  NoteSet() = default;
  // The listed notes. Invalid texts are kept and reported by whoever opens the set.
  NoteSet(std::initializer_list<std::string_view> notes) : notes_(notes) {}
  explicit NoteSet(std::vector<std::string_view> notes) : notes_(std::move(notes)) {}
  // Every note but system notes: the plain mapped notes (hangup, interrupt, quit, alarm, kill) and
  // every string note.
  static NoteSet all() {
    NoteSet s;
    s.all_ = true;
    return s;
  }

  bool is_all() const noexcept { return all_; }
  const std::vector<std::string_view>& notes() const noexcept { return notes_; }

 private:
  std::vector<std::string_view> notes_;
  bool all_ = false;
};

}  // namespace notes

#endif  // NOTES_NOTE_SET_H
