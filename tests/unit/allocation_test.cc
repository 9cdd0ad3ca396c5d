// No heap allocation on the note path: posting, the entry point, queueing and receiving run with
// a counting operator new in place and must not call it once.
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>

#include "notes/notes.h"

namespace {
std::atomic<long> allocations{0};
}

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return operator new(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size ? size : 1);
}
void* operator new[](std::size_t size, const std::nothrow_t& t) noexcept {
  return operator new(size, t);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {
notes::Disposition count_it(const notes::Note&, void* context) noexcept {
  static_cast<std::atomic<int>*>(context)->fetch_add(1);
  return notes::Disposition::handled;
}
}  // namespace

TEST_CASE("posting, catching, queueing and receiving notes allocate nothing") {
  std::atomic<int> handled{0};
  const long at_start = allocations.load();
  auto rx = notes::Receiver::open({"alloc probe", "sys: usr1", "hangup"});
  CHECK(allocations.load() > at_start);  // the counter sees the library's allocations
  auto h = notes::Handler::install({"sys: usr2"}, count_it, &handled);
  REQUIRE(rx);
  REQUIRE(h);
  const long pid = notes::this_process();
  int received = 0;
  bool all_posted = true;

  const long before = allocations.load();
  for (int i = 0; i < 200; i++) {
    all_posted &= notes::post(pid, "alloc probe").ok();
    received += static_cast<bool>(rx->wait_for(std::chrono::seconds(30)));
    all_posted &= notes::post(pid, i % 2 ? "sys: usr1" : "hangup").ok();
    received += static_cast<bool>(rx->wait_for(std::chrono::seconds(30)));
    kill(getpid(), SIGUSR2);
  }
  while (handled.load() == 0) (void)rx->wait_for(std::chrono::milliseconds(1));
  const long during = allocations.load() - before;

  CHECK(all_posted);
  CHECK(received == 400);
  CHECK(handled.load() >= 1);
  CHECK(during == 0);
}
