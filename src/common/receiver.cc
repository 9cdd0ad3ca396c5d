// Receiver: a channel in the registry, handed to ordinary code through its wake-up.
#include "notes/receiver.h"

#include <new>

#include "common/registry.h"

namespace notes {

using detail::Channel;

namespace {

constexpr size_t kMinCapacity = 2;
constexpr size_t kMaxCapacity = 65536;

void destroy(Channel* ch) noexcept {
  if (ch->wake.synchronous) detail::backend::sync_end();
  detail::backend::wake_close(ch->wake);
  delete[] ch->cells;
  delete ch;
}

// One note, if queued. Taking a note may make room for a string note stalled in the mailbox.
bool take(Channel* ch, Note& out) noexcept {
  if (!ch->ring.pop(out)) return false;
  ch->received.fetch_add(1, std::memory_order_relaxed);
  detail::backend::resume_mailbox();
  return true;
}

}  // namespace

Result<Receiver> Receiver::open(const NoteSet& notes, Options options) noexcept {
  if (options.capacity < kMinCapacity || options.capacity > kMaxCapacity) {
    return Status(Code::invalid_argument, static_cast<int64_t>(options.capacity), 0,
                  "receiver capacity must be 2 to 65536");
  }
  size_t capacity = kMinCapacity;
  while (capacity < options.capacity) capacity <<= 1;

  Channel* ch = new (std::nothrow) Channel;
  if (ch == nullptr) return Status(Code::io, 0, 0, "out of memory for a receiver");
  if (Status s = ch->filter.assign(notes); !s.ok()) {
    delete ch;
    return s;
  }
  ch->cells = new (std::nothrow) detail::NoteRing::Cell[capacity];
  if (ch->cells == nullptr) {
    delete ch;
    return Status(Code::io, 0, 0, "out of memory for a receiver queue");
  }
  ch->ring.init(ch->cells, capacity);
  ch->strings = ch->filter.wants_strings();
  if (options.synchronous) {
    if (Status s = detail::backend::sync_begin(); !s.ok()) {
      delete[] ch->cells;
      delete ch;
      return s;
    }
    ch->wake.synchronous = true;
  }
  if (Status s = detail::backend::wake_open(ch->wake); !s.ok()) {
    if (ch->wake.synchronous) detail::backend::sync_end();
    delete[] ch->cells;
    delete ch;
    return s;
  }
  if (Status s = detail::registry::attach(ch); !s.ok()) {
    destroy(ch);
    return s;
  }
  return Receiver(ch);
}

Receiver& Receiver::operator=(Receiver&& other) noexcept {
  if (this != &other) {
    this->~Receiver();
    channel_ = other.channel_;
    other.channel_ = nullptr;
  }
  return *this;
}

Receiver::~Receiver() {
  if (channel_ == nullptr) return;
  stop();
  destroy(channel_);
  channel_ = nullptr;
}

Result<Note> Receiver::try_receive() noexcept {
  if (channel_ == nullptr) return Status(Code::stopped);
  Note n;
  if (take(channel_, n)) return n;
  // String notes may wait in the mailbox for a reader to pull them (backend::mailbox_push).
  if (channel_->strings) detail::backend::check_mailbox();
  detail::backend::wake_clear(channel_->wake);
  if (take(channel_, n)) return n;
  if (channel_->stopped.load()) return Status(Code::stopped);
  return Status(Code::timed_out);
}

namespace {

// The waiting thread's id, read once per thread (ordinary context only). Plan 9 has no
// thread-local storage (9front pc64 keeps FS base 0); its thread_id() reads the pid from Tos.
long this_thread() noexcept {
#if defined(__plan9__)
  return detail::backend::thread_id();
#else
  static thread_local long id = detail::backend::thread_id();
  return id;
#endif
}

// Waits for a note until `deadline` (monotonic ns), or forever.
Result<Note> receive(Channel* ch, bool forever, int64_t deadline) noexcept {
  if (ch == nullptr) return Status(Code::stopped);
  detail::Wake& w = ch->wake;
  for (;;) {
    Note n;
    if (take(ch, n)) return n;
    if (ch->stopped.load()) return Status(Code::stopped);
    int64_t left = -1;
    if (!forever) {
      left = deadline - detail::backend::monotonic_ns();
      if (left <= 0) return Status(Code::timed_out);
    }
    // A waiter that wants string notes watches the mailbox itself while it sleeps, if the
    // backend can; otherwise it reads the mailbox now, in case a doorbell never came.
    int mailbox = -1;
    if (ch->strings && !w.synchronous) mailbox = detail::backend::mailbox_poll_begin();
    if (ch->strings && mailbox < 0) detail::backend::check_mailbox();
    // About to sleep: clear the wake-up, say so, then look once more. A producer that found
    // `sleeping` unset had queued its note before our exchange (its read-modify-write of
    // `sleeping` comes first, and synchronizes with ours), so this look finds it; one that
    // found it set rings after the clear. Read-modify-writes, not stores: fences are not
    // understood by ThreadSanitizer, and each of these is a full barrier anyway.
    if (w.synchronous) {
      w.sync_thread.exchange(this_thread());
    } else {
      detail::backend::wake_clear(w);
    }
    w.sleeping.exchange(1);
    const bool got = take(ch, n);
    Status s;
    bool mailbox_ready = false;
    if (!got && !ch->stopped.load()) {
      s = w.synchronous ? detail::backend::take_note(ch->filter, w, left)
                        : detail::backend::wake_wait(w, left, mailbox, &mailbox_ready);
    }
    w.sleeping.store(0);
    w.sync_thread.store(0);
    // Awake: what the mailbox holds goes to the queues without ringing this waiter again.
    if (mailbox >= 0) detail::backend::mailbox_poll_end(mailbox_ready);
    if (got) return n;
    if (!s.ok() && s.code() != Code::timed_out && s.code() != Code::interrupted) return s;
  }
}

}  // namespace

Result<Note> Receiver::wait() noexcept {
  return receive(channel_, true, 0);
}

Result<Note> Receiver::wait_for(std::chrono::nanoseconds timeout) noexcept {
  const int64_t now = detail::backend::monotonic_ns();
  const int64_t t = timeout.count() < 0 ? 0 : timeout.count();
  if (t > INT64_MAX - now) return receive(channel_, true, 0);
  return receive(channel_, false, now + t);
}

int Receiver::fd() const noexcept {
  if (channel_ == nullptr || channel_->wake.synchronous) return -1;
  detail::registry::export_wake(channel_);  // from now on every note rings
  return detail::backend::wake_fd(channel_->wake);
}

void Receiver::stop() noexcept {
  if (channel_ == nullptr || channel_->stopped.exchange(true)) return;
  // What was posted before stop() and waits in the mailbox for a reader is queued first.
  if (channel_->strings) detail::backend::check_mailbox();
  detail::registry::detach(channel_);
  detail::backend::wake_ring(channel_->wake);
}

ReceiverCounters Receiver::counters() const noexcept {
  ReceiverCounters c;
  if (channel_ != nullptr) {
    c.queued = channel_->queued.load(std::memory_order_relaxed);
    c.received = channel_->received.load(std::memory_order_relaxed);
    c.dropped = channel_->dropped.load(std::memory_order_relaxed);
  }
  return c;
}

}  // namespace notes
