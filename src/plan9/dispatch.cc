// The note dispatcher of the Plan 9 backend, called by the trampoline (note_entry.S) for every
// note a proc of the program receives. Note context: compiled with general registers only, it
// takes no lock and allocates nothing (design.md "Receiving: two levels").
//
// One dispatcher serves every proc: the registry (handlers and receivers) is static memory that
// the procs share (rfork RFMEM), so a note to any proc reaches the program's receivers, and the
// proc that got it runs the handler chain.
//
// - The kernel appends " pc=0x…" to notes that begin with "sys:" when it delivers them (9front
//   port/proc.c popnote); the suffix is removed, so that "sys: usr1" is matched as posted. The
//   pc is in the Ureg.
// - Exit notes ("notes: exit …") go to group_exit.h, which runs the handler chain and ends the
//   proc.
// - A note that no handler or receiver took gets the default action, NDFLT: the kernel ends the
//   proc with the note as its exit string (or leaves it Broken for a fault), as with no handler.
//   First the rest of the program is told (group exit).
#include <string_view>

#include "common/backend.h"
#include "common/registry.h"
#include "plan9.h"
#include "plan9/entry.h"
#include "plan9/group_exit.h"

namespace {

bool is_hex(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// text without a trailing " pc=0x<hex>" (which 9front's snprint may have cut short).
std::string_view without_pc(std::string_view text) noexcept {
  const size_t at = text.rfind(" pc=0x");
  if (at == std::string_view::npos) return text;
  for (size_t i = at + 6; i < text.size(); i++) {
    if (!is_hex(text[i])) return text;
  }
  return text.substr(0, at);
}

}  // namespace

extern "C" int notes_plan9_on_note(plan9::Ureg*, const char* text) {
  using namespace notes::detail;
  size_t n = 0;
  while (n < notes::Note::max_size && text[n] != '\0') n++;
  std::string_view view(text, n);
  if (view.substr(0, 4) == "sys:") view = without_pc(view);
  notes::Result<notes::Note> note = notes::Note::make(view);
  if (!note) return group_exit::on_unhandled(text);  // empty: nothing can want it
  registry::count_caught();

  if (group_exit::is_exit_note(note->view())) return group_exit::on_exit_note(*note);
  const int carrier = backend::carrier_of(*note);
  if (carrier != kUncatchable && registry::dispatch(*note, carrier)) return plan9::NCONT;
  return group_exit::on_unhandled(text);
}
