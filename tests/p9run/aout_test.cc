// Unit tests of p9run's pure parts: the a.out header rules, Plan 9 name cleaning, and the stat
// entry format.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "aout.h"
#include "dir.h"
#include "namespace.h"
#include "plan9.h"

namespace {

std::vector<uint8_t> header(uint32_t text, uint32_t data, uint32_t bss, uint64_t entry,
                            uint32_t magic = 0x8A97) {
  std::vector<uint8_t> h;
  auto be = [&h](uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) h.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  for (uint64_t v : {uint64_t{magic}, uint64_t{text}, uint64_t{data}, uint64_t{bss}, uint64_t{0},
                     entry & 0x7fffffff, uint64_t{0}, uint64_t{0}})
    be(v, 4);
  be(entry, 8);
  return h;
}

}  // namespace

TEST_CASE("unit.aout_layout") {
  p9run::AoutHeader h;
  std::string why;
  const auto bytes = header(0x1000, 0x200, 0x300, 0x200028);
  REQUIRE(p9run::parse_aout(bytes, 40 + 0x1000 + 0x200, h, why));
  CHECK(h.text_end() == 0x201028);
  CHECK(h.data_base() == 0x400000);
  CHECK(h.bss_end() == 0x400500);
  CHECK(h.entry == 0x200028);
}

TEST_CASE("unit.aout_rejects") {
  p9run::AoutHeader h;
  std::string why;
  CHECK_FALSE(p9run::parse_aout(header(16, 0, 0, 0x200028, 0x01EB), 56, h, why));
  CHECK(why.find("magic 0x1eb") != std::string::npos);
  CHECK_FALSE(p9run::parse_aout(header(16, 0, 0, 0x200020), 56, h, why));  // before the code
  CHECK_FALSE(p9run::parse_aout(header(16, 0, 0, 0x200038), 56, h, why));  // at the end of text
  CHECK_FALSE(p9run::parse_aout(header(16, 0, 0, 0x200028), 50, h, why));  // short file
  CHECK(why.find("truncated") != std::string::npos);
  const auto h8 = header(16, 0, 0, 0x200028);
  CHECK_FALSE(p9run::parse_aout(std::span(h8).first(39), 39, h, why));
  CHECK_FALSE(p9run::parse_aout({}, 0, h, why));
}

TEST_CASE("unit.clean_name") {
  CHECK(p9run::clean_name("/a//b/./c/../d/") == "/a/b/d");
  CHECK(p9run::clean_name("/..") == "/");
  CHECK(p9run::clean_name("a/../..") == "..");
  CHECK(p9run::clean_name("") == ".");
}

TEST_CASE("unit.stat_entry_round_trip") {
  p9run::Dir d;
  d.type = 'M';
  d.dev = 7;
  d.qid_type = p9run::kQTDir;
  d.qid_path = 0x1122334455667788;
  d.mode = p9run::kDMDir | 0755;
  d.mtime = 1234;
  d.length = 99;
  d.name = "name";
  d.uid = "glenda";
  d.gid = "sys";
  d.muid = "";
  uint8_t buf[128];
  const size_t n = p9run::encode_dir(d, buf, sizeof buf);
  CHECK(n == p9run::kStatFixLen + 4 + 6 + 3);
  CHECK(buf[0] + (buf[1] << 8) == static_cast<int>(n) - 2);
  p9run::Dir e;
  REQUIRE(p9run::decode_dir(buf, n, e));
  CHECK(e.name == "name");
  CHECK(e.uid == "glenda");
  CHECK(e.mode == d.mode);
  CHECK(e.qid_path == d.qid_path);
  CHECK(e.length == 99);
  // Too small a buffer gets just the size, so the caller can retry (stat(2)).
  CHECK(p9run::encode_dir(d, buf, 10) == 2);
  CHECK(buf[0] + (buf[1] << 8) == static_cast<int>(n) - 2);
}

TEST_CASE("unit.system_call_names") {
  CHECK(p9run::sys_name(p9run::kPread) == "pread");
  CHECK(p9run::sys_name(p9run::kNoted) == "noted");
  CHECK(p9run::sys_name(48).empty());
  CHECK(p9run::sys_name(1000).empty());
}
