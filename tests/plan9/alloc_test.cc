// The heap (plan9::alloc, operator new/delete, malloc) and the libstdc++ header-only parts that
// use it: std::vector, std::string, std::function, std::unique_ptr. (Not std::map or std::set:
// their tree balancing lives in the compiled libstdc++, which Plan 9 programs do not have.)
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "check.h"

extern "C" {
void* malloc(std::size_t);
void* calloc(std::size_t, std::size_t);
void* realloc(void*, std::size_t);
void free(void*);
}

namespace {

struct alignas(64) Wide {
  char bytes[64];
};

int sum(std::span<const int> s) {
  int total = 0;
  for (int v : s) total += v;
  return total;
}

}  // namespace

int main(int, char**) {
  // Sizes across classes; contents survive; alignment is 16.
  std::vector<unsigned char*> blocks;
  for (std::size_t n = 1; n < 200000; n = n * 3 + 1) {
    auto* p = new unsigned char[n];
    CHECK(reinterpret_cast<std::uintptr_t>(p) % 16 == 0);
    for (std::size_t i = 0; i < n; i++) p[i] = static_cast<unsigned char>(i * 7 + n);
    blocks.push_back(p);
  }
  bool intact = true;
  std::size_t n = 1;
  for (unsigned char* p : blocks) {
    for (std::size_t i = 0; i < n; i++)
      intact = intact && p[i] == static_cast<unsigned char>(i * 7 + n);
    delete[] p;
    n = n * 3 + 1;
  }
  CHECK(intact);

  // A freed block is reused for the same size class (plan9::alloc directly: g++ may drop a
  // new/delete pair altogether).
  void* first = plan9::alloc(40);
  const auto first_address = reinterpret_cast<std::uintptr_t>(first);
  plan9::free(first);
  void* second = plan9::alloc(48);
  CHECK(reinterpret_cast<std::uintptr_t>(second) == first_address);
  plan9::free(second);

  // Random sizes, frees and reallocations: every live block keeps its contents.
  {
    constexpr int kSlots = 300;
    unsigned char* slot[kSlots] = {};
    std::size_t size[kSlots] = {};
    std::uint32_t seed = 12345;
    auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
    bool kept = true;
    for (int round = 0; round < 5000; round++) {
      const int i = static_cast<int>(next() % kSlots);
      if (slot[i] != nullptr) {
        for (std::size_t k = 0; k < size[i]; k++)
          kept = kept && slot[i][k] == static_cast<unsigned char>(i + k);
        if (next() % 2 == 0) {
          plan9::free(slot[i]);
          slot[i] = nullptr;
          continue;
        }
        const std::size_t grown = size[i] + 1 + next() % 2000;
        slot[i] = static_cast<unsigned char*>(realloc(slot[i], grown));
        for (std::size_t k = size[i]; k < grown; k++)
          slot[i][k] = static_cast<unsigned char>(i + k);
        size[i] = grown;
        continue;
      }
      size[i] = next() % 3000;
      slot[i] = static_cast<unsigned char*>(plan9::alloc(size[i]));
      for (std::size_t k = 0; k < size[i]; k++) slot[i][k] = static_cast<unsigned char>(i + k);
    }
    for (auto* p : slot) plan9::free(p);
    CHECK(kept);
  }

  // Over-aligned new.
  auto* wide = new Wide;
  CHECK(reinterpret_cast<std::uintptr_t>(wide) % 64 == 0);
  delete wide;
  CHECK(plan9::alloc_size(plan9::alloc(100)) >= 100);

  // malloc family.
  auto* zeros = static_cast<unsigned char*>(calloc(1000, 4));
  bool all_zero = zeros != nullptr;
  for (int i = 0; i < 4000 && all_zero; i++) all_zero = zeros[i] == 0;
  CHECK(all_zero);
  zeros[0] = 9;
  zeros = static_cast<unsigned char*>(realloc(zeros, 100000));
  CHECK(zeros != nullptr && zeros[0] == 9 && zeros[3999] == 0);
  free(zeros);

  // Many small allocations in a vector.
  std::vector<int> v;
  for (int i = 0; i < 10000; i++) v.push_back(i);
  CHECK(v.size() == 10000);
  CHECK(sum(std::span<const int>(v).subspan(0, 100)) == 4950);

  // Overlapping moves, both directions (string insert and erase move their tails).
  {
    unsigned char buf[300];
    for (int i = 0; i < 300; i++) buf[i] = static_cast<unsigned char>(i);
    __builtin_memmove(buf + 37, buf + 3, 250);  // dst above src: copied backwards
    bool up = true;
    for (int i = 0; i < 250; i++) up = up && buf[37 + i] == static_cast<unsigned char>(3 + i);
    CHECK(up);
    for (int i = 0; i < 300; i++) buf[i] = static_cast<unsigned char>(i);
    __builtin_memmove(buf + 1, buf + 20, 270);  // dst below src: copied forwards
    bool down = true;
    for (int i = 0; i < 270; i++) down = down && buf[1 + i] == static_cast<unsigned char>(20 + i);
    CHECK(down);
    std::string text = "0123456789abcdefghij";
    text.insert(0, "xy");
    text.erase(3, 5);
    CHECK(text == "xy06789abcdefghij");
  }

  // Strings.
  std::string s = "notes";
  for (int i = 0; i < 50; i++) s += std::to_string(i);
  CHECK(s.size() == 5 + 10 + 80);
  CHECK(s.substr(0, 6) == "notes0");
  CHECK(std::string_view(s).find("4849") != std::string_view::npos);
  std::string big(5000, 'x');
  CHECK(big.back() == 'x');

  // std::function with a capture too big for its small buffer, unique_ptr, optional.
  std::vector<std::string> names = {"alpha", "beta", "gamma"};
  std::function<std::size_t()> total = [names, extra = std::string(100, 'e')] {
    std::size_t t = extra.size();
    for (const auto& name : names) t += name.size();
    return t;
  };
  CHECK(total() == 114);
  auto owned = std::make_unique<std::string>("owned");
  CHECK(*owned == "owned");
  std::optional<std::string> maybe;
  CHECK(!maybe.has_value());
  maybe = names[2] + "!";
  CHECK(maybe.value() == "gamma!");

  plan9::print("vector %zu ints, string of %zu bytes\n", v.size(), s.size());
  return p9test::summary();
}
