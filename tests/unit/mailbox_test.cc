// The mailbox's doorbell word (posix/bell.h): when a sender rings, that a waiter polling the
// socket needs no doorbell at all, and that receivers closing and opening while their waiters
// poll lose no note and count every one.
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
  };
  for (const Case& c : cases) {
    CAPTURE(c.before);
    std::atomic<uint32_t> word{c.before};
    CHECK(bell::take_ring(word) == c.rings);
    CHECK(word.load() == c.after);
  }
}

// The doorbell signal is blocked in every thread, so a note can only reach the waiter through
// its own poll of the socket. (A sender may still ring now and then: when the waiter wakes and
// stops polling before the sender looks at the bell. Such a doorbell stays pending, unread.)
NOTES_SCENARIO(polling_waiter_needs_no_doorbell) {
  constexpr int kRounds = 200;
  sigset_t urg;
  sigemptyset(&urg);
  sigaddset(&urg, SIGURG);
  if (pthread_sigmask(SIG_BLOCK, &urg, nullptr) != 0) return 2;  // inherited by the waiter
  auto rx = notes::Receiver::open({"polled"});
  if (!rx) return 3;
  std::atomic<uint32_t>* word = map_own_bell();
  if (word == nullptr) return 4;
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
    const timespec now{0, 0};
    if (sigtimedwait(&urg, nullptr, &now) == SIGURG) rang++;
  }
  waiter.join();
  if (failed != 0) return failed;
  if ((word->load() & bell::kPolled) != 0) return 8;  // nobody polls any more
  printf("%d notes, %d doorbells\n", kRounds, rang);
  return received.load() == kRounds ? 0 : 9;
}

TEST_CASE("a waiter that polls its mailbox gets string notes with no doorbell") {
  auto out = notes_test::run_scenario("polling_waiter_needs_no_doorbell");
  MESSAGE(out.output);
  CHECK(out.exited);
  CHECK(out.code == 0);
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
  // Each accepted note was read from the socket once: to receivers, or counted as unhandled.
  CHECK(after.caught - before.caught == static_cast<uint64_t>(accepted.load()));
  CHECK(received + (after.unhandled - before.unhandled) == static_cast<uint64_t>(accepted.load()));
  MESSAGE("accepted ", accepted.load(), ", received ", received, ", unhandled ",
          after.unhandled - before.unhandled);
}
