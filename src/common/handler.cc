// Handler: a slot in the registry's async chain.
#include "notes/handler.h"

#include <new>

#include "common/registry.h"

namespace notes {

Result<Handler> Handler::install(const NoteSet& notes, HandlerFunction fn, void* context) noexcept {
  if (fn == nullptr) return Status(Code::invalid_argument, 0, 0, "null handler function");
  auto* filter = new (std::nothrow) detail::NoteFilter;
  if (filter == nullptr) return Status(Code::io, 0, 0, "out of memory for a handler");
  if (Status s = filter->assign(notes); !s.ok()) {
    delete filter;
    return s;
  }
  int slot = -1;
  if (Status s = detail::registry::attach_handler(fn, context, filter, &slot); !s.ok()) {
    delete filter;
    return s;
  }
  return Handler(slot);
}

Handler& Handler::operator=(Handler&& other) noexcept {
  if (this != &other) {
    remove();
    slot_ = other.slot_;
    other.slot_ = -1;
  }
  return *this;
}

void Handler::remove() noexcept {
  if (slot_ < 0) return;
  delete detail::registry::detach_handler(slot_);
  slot_ = -1;
}

}  // namespace notes
