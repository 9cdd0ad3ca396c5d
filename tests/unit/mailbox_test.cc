// The mailbox's doorbell word (posix/bell.h): when a sender rings; that readers who pull need no
// doorbell at all, and a waiter polling the socket hardly ever one when something else needs
// them pushed; and that receivers closing and opening while their waiters poll lose no note and
// count every one.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "notes/notes.h"
#include "posix/bell.h"
#include "posix/mailbox_dir.h"
#include "posix/process.h"
#include "support/child.h"

using namespace std::chrono_literals;
namespace bell = notes::detail::bell;

namespace {

constexpr auto kPatience = 30s;

// This process's own doorbell word, mapped as a sender maps it; null when it has none.
std::atomic<uint32_t>* map_own_bell() {
  uint64_t start = 0;
  sockaddr_un addr;
  char path[sizeof addr.sun_path + 8];
  if (!notes::detail::process::start_time(getpid(), &start) ||
      !notes::detail::mailbox::mailbox_path(addr, geteuid(), getpid(), start) ||
      !notes::detail::mailbox::bell_path(path, sizeof path, addr)) {
    return nullptr;
  }
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return nullptr;
  void* page = mmap(nullptr, bell::kSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  return page == MAP_FAILED ? nullptr : static_cast<std::atomic<uint32_t>*>(page);
}

// Spins (politely) until `done` or the patience runs out.
template <typename F>
bool eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20us);
  }
  return true;
}

}  // namespace

TEST_CASE("a sender rings only when the bell is armed and no waiter polls") {
  struct Case {
    uint32_t before;
    bool rings;
    uint32_t after;
  };
  const Case cases[] = {
      {0, false, 0},                          // a drain runs, or a doorbell is on its way
      {bell::kArmed, true, 0},                // armed: this sender rings, the next does not
      {bell::kPolled, false, bell::kPolled},  // a waiter polls the socket
      {bell::kArmed | bell::kPolled, false, bell::kArmed | bell::kPolled},  // armed, but polled
      {bell::kArmed | bell::kPulled, false, bell::kArmed | bell::kPulled},  // readers pull
  };
  for (const Case& c : cases) {
    CAPTURE(c.before);
    std::atomic<uint32_t> word{c.before};
    CHECK(bell::take_ring(word) == c.rings);
    CHECK(word.load() == c.after);
    // A full socket: ring unless someone reads it without a doorbell.
    const std::atomic<uint32_t> full{c.before};
    CHECK(bell::full_needs_ring(full) == ((c.before & (bell::kPolled | bell::kPulled)) == 0));
  }
}

namespace {

// Blocks the doorbell in the calling thread and every thread it starts from now on.
sigset_t block_doorbell() {
  sigset_t urg;
  sigemptyset(&urg);
  sigaddset(&urg, SIGURG);
  pthread_sigmask(SIG_BLOCK, &urg, nullptr);
  return urg;
}

// Takes a pending doorbell; true if there was one.
bool take_doorbell(const sigset_t& urg) {
  const timespec now{0, 0};
  return sigtimedwait(&urg, nullptr, &now) == SIGURG;
}

}  // namespace

// Nothing in this process needs string notes pushed (no handler for them, no synchronous
// receiver, no fd() handed out), so its receivers pull: senders never ring, even a sender that
// finds the mailbox full, and every note is there when the receiver looks.
NOTES_SCENARIO(pulling_readers_need_no_doorbell) {
  const sigset_t urg = block_doorbell();
  auto rx = notes::Receiver::open({"pulled"}, {.capacity = 4});
  if (!rx) return 2;
  std::atomic<uint32_t>* word = map_own_bell();
  if (word == nullptr || (word->load() & bell::kPulled) == 0) return 3;
  // Nobody reads, so the socket fills up (at net.unix.max_dgram_qlen on Linux); then a few more.
  int accepted = 0, full = 0;
  for (int i = 0; i < 100000 && full < 10; i++) {
    notes::Status s = notes::post(getpid(), "pulled");
    if (s.ok())
      accepted++;
    else if (s.code() == notes::Code::queue_full)
      full++;
    else
      return 4;
  }
  if (full == 0) return 5;
  if (take_doorbell(urg)) return 6;
  int received = 0;
  while (rx->try_receive()) received++;
  if (received != accepted) return 7;
  if (take_doorbell(urg)) return 8;
  printf("%d accepted, %d refused as full, %d received, no doorbell\n", accepted, full, received);
  return 0;
}

TEST_CASE("receivers that pull their string notes need no doorbell") {
  NOTES_CHECK_SCENARIO("pulling_readers_need_no_doorbell");
}

// A handler for string notes runs in note context, so it needs them pushed: from its install
// on, a note to it rings, and it runs while no thread looks for notes.
namespace {
std::atomic<int> pushed_notes{0};
}  // namespace

NOTES_SCENARIO(a_string_handler_brings_the_doorbell_back) {
  auto rx = notes::Receiver::open({"early"});
  if (!rx) return 2;
  if (!notes::post(getpid(), "early").ok()) return 3;  // waits in the socket: nobody pulled
  auto handler = notes::Handler::install({"pushed"}, [](const notes::Note&, void*) noexcept {
    pushed_notes++;
    return notes::Disposition::handled;
  });
  if (!handler) return 4;
  std::atomic<uint32_t>* word = map_own_bell();
  if (word == nullptr || (word->load() & bell::kPulled) != 0) return 5;
  // Going over to pushing read what waited: "early" is queued already.
  if (rx->counters().queued != 1) return 6;
  for (int i = 1; i <= 20; i++) {
    if (!notes::post(getpid(), "pushed").ok()) return 7;
    if (!eventually([&] { return pushed_notes.load() == i; })) return 8;  // no wait() here
  }
  auto early = rx->try_receive();
  if (!early || *early != "early") return 9;
  handler->remove();
  if ((word->load() & bell::kPulled) == 0) return 10;  // pulling again
  return 0;
}

TEST_CASE("a handler for string notes brings the doorbell back") {
  NOTES_CHECK_SCENARIO("a_string_handler_brings_the_doorbell_back");
}

// With string notes pushed (a handler wants some), a waiter that polls the socket still spares
// its senders the doorbell. The doorbell is blocked in every thread, so a note can only reach
// the waiter through its own poll. A sender may still ring now and then, when the waiter wakes
// and stops polling before the sender looks at the bell: rarely, never for most notes.
NOTES_SCENARIO(polling_waiter_needs_no_doorbell) {
  constexpr int kRounds = 200;
  const sigset_t urg = block_doorbell();
  auto pushing = notes::Handler::install({"unrelated"}, [](const notes::Note&, void*) noexcept {
    return notes::Disposition::handled;
  });
  auto rx = notes::Receiver::open({"polled"});
  if (!rx || !pushing) return 3;
  std::atomic<uint32_t>* word = map_own_bell();
  if (word == nullptr || (word->load() & bell::kPulled) != 0) return 4;
  std::atomic<int> received{0};
  std::thread waiter([&] {
    for (int i = 0; i < kRounds; i++) {
      auto n = rx->wait_for(kPatience);
      if (!n || *n != "polled") return;
      received++;
    }
  });
  int failed = 0, rang = 0;
  for (int i = 0; i < kRounds && failed == 0; i++) {
    if (!eventually([&] { return (word->load() & bell::kPolled) != 0; }))
      failed = 5;
    else if (!notes::post(getpid(), "polled").ok())
      failed = 6;
    else if (!eventually([&] { return received.load() == i + 1; }))
      failed = 7;
    if (take_doorbell(urg)) rang++;
  }
  waiter.join();
  if (failed != 0) return failed;
  if ((word->load() & bell::kPolled) != 0) return 8;  // nobody polls any more
  printf("%d notes, %d doorbells\n", kRounds, rang);
  if (rang >= kRounds / 2) return 9;  // every note rang: the poll did not count
  return received.load() == kRounds ? 0 : 10;
}

TEST_CASE("a waiter that polls its mailbox spares its senders the doorbell") {
  NOTES_CHECK_SCENARIO("polling_waiter_needs_no_doorbell");
}

// Receivers stop (closing the mailbox when they were the last) while their waiters poll, and
// new ones open (a new mailbox, its bell word mapped over the old) while a sender posts. Every
// accepted note is read exactly once by the process: received by a receiver, or counted as
// unhandled when it came while nobody listened.
TEST_CASE("receivers stopped and opened under polling waiters lose no note") {
  constexpr int kPairs = 2, kRounds = 150, kMaxNotes = 20000;
  const notes::Counters before = notes::counters();
  std::unique_ptr<std::atomic<bool>[]> seen(new std::atomic<bool>[kMaxNotes]);
  for (int i = 0; i < kMaxNotes; i++) seen[i] = false;
  std::atomic<int> copies_twice_in_one_receiver{0};
  std::atomic<int> pairs_left{kPairs};
  std::atomic<int> accepted{0};
  std::atomic<int> errors{0};

  std::thread sender([&] {
    for (int i = 0; i < kMaxNotes && pairs_left.load() > 0; i++) {
      const std::string note = "n " + std::to_string(i);
      for (;;) {
        notes::Status s = notes::post(getpid(), note);
        if (s.ok()) {
          accepted++;
          break;
        }
        if (s.code() == notes::Code::not_deliverable) break;  // nobody listened just then
        if (s.code() != notes::Code::queue_full) {
          errors++;
          return;
        }
        std::this_thread::sleep_for(50us);
      }
      std::this_thread::sleep_for(20us);
    }
  });

  std::vector<std::thread> pairs;
  for (int p = 0; p < kPairs; p++) {
    pairs.emplace_back([&, p] {
      std::mt19937 random(static_cast<unsigned>(p) + 1);
      for (int round = 0; round < kRounds; round++) {
        auto rx = notes::Receiver::open(notes::NoteSet::all(), {.capacity = 8});
        if (!rx) {
          errors++;
          break;
        }
        std::vector<bool> mine(kMaxNotes, false);
        auto take = [&](const notes::Note& n) {
          const int i = std::stoi(std::string(n.view().substr(2)));
          if (mine[i]) copies_twice_in_one_receiver++;
          mine[i] = true;
          seen[i] = true;
        };
        std::thread waiter([&] {
          for (;;) {
            auto n = rx->wait();
            if (!n) break;
            take(*n);
          }
        });
        std::this_thread::sleep_for(std::chrono::microseconds(random() % 400));
        rx->stop();  // while its waiter most likely polls the socket
        waiter.join();
        for (;;) {  // what was queued before stop stays
          auto n = rx->try_receive();
          if (!n) break;
          take(*n);
        }
      }
      pairs_left--;
    });
  }
  for (auto& t : pairs) t.join();
  sender.join();
  REQUIRE(errors.load() == 0);

  const notes::Counters after = notes::counters();
  int received = 0;
  for (int i = 0; i < kMaxNotes; i++) received += seen[i].load() ? 1 : 0;
  CHECK(copies_twice_in_one_receiver.load() == 0);
  CHECK(after.refused == before.refused);
  CHECK(after.dropped == before.dropped);
  // Each note read from the socket went to receivers or was counted as unhandled.
  const uint64_t caught = after.caught - before.caught;
  CHECK(received + (after.unhandled - before.unhandled) == caught);
#ifdef __linux__
  // And each accepted note was read: a closing mailbox refuses senders (EPIPE) before it reads
  // what it holds, so none is accepted into a socket about to go.
  CHECK(caught == static_cast<uint64_t>(accepted.load()));
#else
  CHECK(caught <= static_cast<uint64_t>(accepted.load()));
#endif
  MESSAGE("accepted ", accepted.load(), ", received ", received, ", unhandled ",
          after.unhandled - before.unhandled);
}
