// NoteRing: bounded, FIFO, and exact under concurrent producers and consumers.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "common/note_ring.h"

using notes::Note;
using notes::detail::NoteRing;

TEST_CASE("a ring is FIFO and refuses a push when full") {
  NoteRing::Cell cells[4];
  NoteRing ring;
  ring.init(cells, 4);
  for (int i = 0; i < 4; i++) CHECK(ring.push(*Note::make(std::to_string(i))));
  CHECK(!ring.has_room());
  CHECK(!ring.push(*Note::make("overflow")));
  for (int round = 0; round < 10; round++) {  // wrap around many times
    Note n;
    REQUIRE(ring.pop(n));
    CHECK(n == std::to_string(round));
    CHECK(ring.push(*Note::make(std::to_string(round + 4))));
  }
  Note n;
  int left = 0;
  while (ring.pop(n)) left++;
  CHECK(left == 4);
  CHECK(ring.has_room());
}

TEST_CASE("concurrent producers and consumers move every note exactly once") {
  constexpr int kProducers = 3, kConsumers = 2, kEach = 20000;
  std::vector<NoteRing::Cell> cells(64);
  NoteRing ring;
  ring.init(cells.data(), cells.size());
  std::vector<std::atomic<int>> seen(kProducers * kEach);
  std::atomic<int> consumed{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; p++) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < kEach; i++) {
        Note note = *Note::make(std::to_string(p * kEach + i));
        while (!ring.push(note)) std::this_thread::yield();
      }
    });
  }
  for (int c = 0; c < kConsumers; c++) {
    threads.emplace_back([&] {
      Note n;
      while (consumed.load() < kProducers * kEach) {
        if (ring.pop(n)) {
          seen[static_cast<size_t>(std::stoi(std::string(n.view())))]++;
          consumed++;
        } else {
          std::this_thread::yield();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  int wrong = 0;
  for (auto& s : seen) wrong += s.load() != 1;
  CHECK(wrong == 0);
}
