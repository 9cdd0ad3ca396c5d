#include "common/note_filter.h"

namespace notes::detail {

Status NoteFilter::assign(const NoteSet& set) noexcept {
  all = set.is_all();
  count = 0;
  for (std::string_view text : set.notes()) {
    Result<Note> note = Note::make(text);
    if (!note) return note.status();
    int carrier = backend::carrier_of(*note);
    if (carrier == kUncatchable) {
      return Status(Code::uncatchable, 0, 0,
                    "sys: kill, sys: stop and the synchronous faults never reach a handler");
    }
    bool duplicate = false;
    for (int i = 0; i < count; i++) duplicate |= (notes[i] == *note && carriers[i] == carrier);
    if (duplicate) continue;
    if (count == kMaxNotes) return Status(Code::too_many, 0, 0, "notes in one set (at most 32)");
    notes[count] = *note;
    carriers[count] = carrier;
    count++;
  }
  return Status();
}

}  // namespace notes::detail
