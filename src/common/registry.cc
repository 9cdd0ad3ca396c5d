#include "common/registry.h"

namespace notes::detail::registry {
namespace {

template <typename T>
struct Slot {
  std::atomic<T*> item{nullptr};
  std::atomic<int> in_flight{0};
};

struct HandlerEntry {
  HandlerFunction fn;
  void* context;
  NoteFilter* filter;
};

Slot<Channel> channels[kMaxChannels];
Slot<HandlerEntry> handlers[kMaxHandlers];
HandlerEntry handler_entries[kMaxHandlers];
// One past the highest slot ever used, so dispatch skips the unused tail.
std::atomic<int> channels_used{0};
std::atomic<int> handlers_used{0};
int watchers[kMaxCarriers];  // under the registry lock
int pushed = 0;              // under the registry lock: consumers that need string notes pushed

std::atomic<uint64_t> caught{0}, delivered{0}, dropped{0}, unhandled{0}, refused{0};

struct Locked {
  Locked() noexcept { backend::lock_registry(); }
  ~Locked() { backend::unlock_registry(); }
};

// One more (+1) or one fewer (-1) consumer needs string notes pushed; the backend hears of the
// change between none and some.
void count_pushed(int delta) noexcept {
  const bool before = pushed > 0;
  pushed += delta;
  if ((pushed > 0) != before) backend::mailbox_push(pushed > 0);
}

// Watches every carrier of `filter`; on failure unwatches what it watched.
Status watch_all(const NoteFilter& filter) noexcept {
  Status failed;
  int done[kMaxCarriers];
  int n = 0;
  filter.for_each_carrier([&](int c) {
    if (!failed.ok()) return;
    if (watchers[c] == 0) failed = backend::watch(c);
    if (failed.ok()) {
      watchers[c]++;
      done[n++] = c;
    }
  });
  if (!failed.ok()) {
    for (int i = 0; i < n; i++) {
      if (--watchers[done[i]] == 0) backend::unwatch(done[i]);
    }
  }
  return failed;
}

void unwatch_all(const NoteFilter& filter) noexcept {
  filter.for_each_carrier([&](int c) {
    if (--watchers[c] == 0) backend::unwatch(c);
  });
}

template <typename T, size_t N>
int claim(Slot<T> (&slots)[N], std::atomic<int>& used, T* item) noexcept {
  for (size_t i = 0; i < N; i++) {
    if (slots[i].item.load() == nullptr) {
      slots[i].item.store(item);
      if (static_cast<int>(i) >= used.load()) used.store(static_cast<int>(i) + 1);
      return static_cast<int>(i);
    }
  }
  return -1;
}

template <typename T>
void release(Slot<T>& slot) noexcept {
  slot.item.store(nullptr);
  while (slot.in_flight.load() != 0) backend::yield();
}

// Runs fn(item) for each occupied slot, holding the slot's in-flight count. An empty slot costs
// one load: the count is taken only for an item, which is then read again, so release() either
// waits for this pass or this pass sees the slot empty.
template <typename T, size_t N, typename Fn>
void each(Slot<T> (&slots)[N], const std::atomic<int>& used, Fn fn) noexcept {
  int n = used.load();
  for (int i = 0; i < n; i++) {
    Slot<T>& s = slots[i];
    if (s.item.load() == nullptr) continue;
    s.in_flight.fetch_add(1);
    if (T* item = s.item.load()) {
      if (!fn(*item)) {
        s.in_flight.fetch_sub(1);
        return;
      }
    }
    s.in_flight.fetch_sub(1);
  }
}

}  // namespace

// A slot is claimed before its notes are watched, so a note caught the moment it is watched
// already finds its receiver (and is not given the default action).
Status attach(Channel* channel) noexcept {
  Locked lock;
  int slot = claim(channels, channels_used, channel);
  if (slot < 0) return Status(Code::too_many, 0, 0, "receivers (at most 64 in a process)");
  if (Status s = watch_all(channel->filter); !s.ok()) {
    release(channels[slot]);
    return s;
  }
  channel->slot = slot;
  if (channel->pushed()) count_pushed(+1);
  return Status();
}

void detach(Channel* channel) noexcept {
  Locked lock;
  if (channel->slot < 0) return;
  release(channels[channel->slot]);
  channel->slot = -1;
  unwatch_all(channel->filter);
  if (channel->pushed()) count_pushed(-1);
}

void export_wake(Channel* channel) noexcept {
  Locked lock;
  if (channel->wake.exported.exchange(true)) return;
  if (channel->slot >= 0 && channel->pushed()) count_pushed(+1);
}

Status attach_handler(HandlerFunction fn, void* context, NoteFilter* filter, int* slot) noexcept {
  Locked lock;
  int free_entry = -1;
  for (int i = 0; i < kMaxHandlers && free_entry < 0; i++) {
    if (handlers[i].item.load() == nullptr) free_entry = i;
  }
  if (free_entry < 0) return Status(Code::too_many, 0, 0, "handlers (at most 32 in a process)");
  handler_entries[free_entry] = HandlerEntry{fn, context, filter};
  *slot = claim(handlers, handlers_used, &handler_entries[free_entry]);
  if (Status s = watch_all(*filter); !s.ok()) {
    release(handlers[*slot]);
    return s;
  }
  if (filter->wants_strings()) count_pushed(+1);  // a handler is called only in note context
  return Status();
}

NoteFilter* detach_handler(int slot) noexcept {
  Locked lock;
  HandlerEntry* entry = handlers[slot].item.load();
  if (entry == nullptr) return nullptr;
  release(handlers[slot]);
  unwatch_all(*entry->filter);
  if (entry->filter->wants_strings()) count_pushed(-1);
  return entry->filter;
}

bool dispatch(const Note& note, int carrier) noexcept {
  bool taken = false;
  each(handlers, handlers_used, [&](HandlerEntry& h) {
    if (!h.filter->matches(note, carrier)) return true;
    if (h.fn(note, h.context) == Disposition::handled) {
      taken = true;
      delivered.fetch_add(1, std::memory_order_relaxed);
      return false;  // the first handler that takes the note ends the chain
    }
    return true;
  });
  each(channels, channels_used, [&](Channel& ch) {
    if (!ch.filter.matches(note, carrier)) return true;
    taken = true;
    if (ch.ring.push(note)) {
      ch.queued.fetch_add(1, std::memory_order_relaxed);
      delivered.fetch_add(1, std::memory_order_relaxed);
      if (ch.wake.wanted()) backend::wake_ring(ch.wake);
    } else {
      ch.dropped.fetch_add(1, std::memory_order_relaxed);
      dropped.fetch_add(1, std::memory_order_relaxed);
    }
    return true;
  });
  return taken;
}

Admission admit(const Note& note, int carrier) noexcept {
  bool want = false, room = true;
  each(channels, channels_used, [&](Channel& ch) {
    if (ch.filter.matches(note, carrier)) {
      want = true;
      room = ch.ring.has_room();
    }
    return room;
  });
  if (!room) return Admission::no_room;
  if (!want) {
    each(handlers, handlers_used, [&](HandlerEntry& h) {
      want = h.filter->matches(note, carrier);
      return !want;
    });
  }
  return want ? Admission::admit : Admission::unwanted;
}

void count_caught() noexcept {
  caught.fetch_add(1, std::memory_order_relaxed);
}
void count_unhandled() noexcept {
  unhandled.fetch_add(1, std::memory_order_relaxed);
}
void count_refused() noexcept {
  refused.fetch_add(1, std::memory_order_relaxed);
}

void after_fork_child() noexcept {
  int n = channels_used.load();
  for (int i = 0; i < n; i++) {
    if (Channel* ch = channels[i].item.load()) {
      backend::wake_close(ch->wake);
      (void)backend::wake_open(ch->wake);
      ch->ring.clear();
    }
  }
}

}  // namespace notes::detail::registry

namespace notes {

Counters counters() noexcept {
  using namespace detail::registry;
  Counters c;
  c.caught = caught.load(std::memory_order_relaxed);
  c.delivered = delivered.load(std::memory_order_relaxed);
  c.dropped = dropped.load(std::memory_order_relaxed);
  c.unhandled = unhandled.load(std::memory_order_relaxed);
  c.refused = refused.load(std::memory_order_relaxed);
  return c;
}

}  // namespace notes
