// Errors and plain I/O: a failed open leaves its reason in errstr; errstr swaps, rerrstr reads,
// werrstr sets; pipe, pread/pwrite, seek, fd2path, dup, sleep and nsec behave.
#include "check.h"

int main(int, char**) {
  // Failed open.
  CHECK(plan9::open("/this/does/not/exist", plan9::OREAD) == -1);
  char err[plan9::kErrMax];
  plan9::rerrstr(err, sizeof err);
  plan9::print("open error: %s\n", err);
  CHECK(p9test::contains(err, "does not exist"));
  char again[plan9::kErrMax];
  plan9::rerrstr(again, sizeof again);  // rerrstr leaves it in place
  CHECK(p9test::equal(err, again));

  // errstr swaps the buffer with the proc's error string.
  char swap[plan9::kErrMax] = "my error";
  CHECK(plan9::errstr(swap, sizeof swap) == 0);
  CHECK(p9test::equal(swap, err));
  plan9::rerrstr(again, sizeof again);
  CHECK(p9test::equal(again, "my error"));
  plan9::werrstr("set by werrstr");
  plan9::rerrstr(again, sizeof again);
  CHECK(p9test::equal(again, "set by werrstr"));
  char small[4];
  plan9::rerrstr(small, sizeof small);
  CHECK(p9test::equal(small, "set"));

  // A pipe: write, read, close.
  int fd[2];
  CHECK(plan9::pipe(fd) == 0);
  CHECK(plan9::write(fd[1], "ping", 4) == 4);
  char buf[16] = {};
  CHECK(plan9::read(fd[0], buf, sizeof buf) == 4);
  CHECK(p9test::equal(buf, "ping"));
  char path[128];
  CHECK(plan9::fd2path(fd[0], path, sizeof path) == 0);
  plan9::print("pipe end: %s\n", path);
  CHECK(p9test::contains(path, "#|"));
  const int copy = plan9::dup(fd[1], -1);
  CHECK(copy > fd[1]);
  CHECK(plan9::close(copy) == 0);
  CHECK(plan9::close(fd[0]) == 0);
  CHECK(plan9::close(fd[1]) == 0);
  CHECK(plan9::close(fd[1]) == -1);

  // A device file: /dev/zero reads zeros at any offset; seek.
  const int zero = plan9::open("/dev/zero", plan9::OREAD);
  CHECK(zero >= 0);
  char z[8] = {1, 1, 1, 1, 1, 1, 1, 1};
  CHECK(plan9::pread(zero, z, sizeof z, 1 << 20) == 8);
  CHECK(z[0] == 0 && z[7] == 0);
  CHECK(plan9::seek(zero, 100, plan9::kSeekSet) == 100);
  std::uint8_t st[256];
  CHECK(plan9::fstat(zero, st, sizeof st) > 0);
  CHECK(plan9::close(zero) == 0);
  CHECK(plan9::stat("/dev/zero", st, sizeof st) > 0);
  CHECK(plan9::stat("/this/does/not/exist", st, sizeof st) == -1);

  // Time.
  const std::int64_t t0 = plan9::nsec();
  CHECK(t0 > 1'000'000'000LL * 1'000'000'000LL);  // after 2001
  CHECK(plan9::sleep(30) == 0);
  const std::int64_t ms = (plan9::nsec() - t0) / 1000000;
  plan9::print("sleep(30) took %lld ms\n", static_cast<long long>(ms));
  CHECK(ms >= 25);

  // Formatting.
  char f[64];
  plan9::snprint(f, sizeof f, "[%5d|%-4s|%04x|%c|%lld|%zu|%%]", -42, "ab", 0xbeef, 'q',
                 -9000000000LL, sizeof(std::int64_t));
  CHECK(p9test::equal(f, "[  -42|ab  |beef|q|-9000000000|8|%]"));
  CHECK(plan9::snprint(f, 4, "%s", "truncated") == 9);
  CHECK(p9test::equal(f, "tru"));
  plan9::snprint(f, sizeof f, "%#x %p %.3s %+d", 255, reinterpret_cast<void*>(0x1000), "abcdef", 7);
  CHECK(p9test::equal(f, "0xff 0x1000 abc +7"));

  return p9test::summary();
}
