// note post: every error path exits with its documented code and says so in one line; a full
// mailbox refuses notes instead of losing them; -g reaches every member of a group.
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "integration/checks.h"
#include "integration/child.h"

using namespace integration;

namespace {

// Far above any pid_max (Linux allows at most 2^22), so never a live process or group.
const std::string kNoSuchId = "99999999";

// A fresh directory for NOTES_MAILBOX_DIR, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string name = (std::filesystem::temp_directory_path() / "notes-test-XXXXXX").string();
    if (mkdtemp(name.data()) == nullptr) throw std::system_error(errno, std::generic_category());
    path_ = name;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string env() const { return "NOTES_MAILBOX_DIR=" + path_.string(); }
  // Where a user's mailboxes live under this base.
  std::filesystem::path user_dir(uid_t uid) const {
    return path_ / ("notes-" + std::to_string(uid));
  }

 private:
  std::filesystem::path path_;
};

// The user to run `note` as when a test needs a second user: nobody, when the test runs as root.
std::optional<SpawnOptions> as_nobody() {
  if (geteuid() != 0) {
    MESSAGE("skipped: only root can run note as another user");
    return std::nullopt;
  }
  const passwd* nobody = getpwnam("nobody");
  if (nobody == nullptr) {
    MESSAGE("skipped: there is no user nobody");
    return std::nullopt;
  }
  return SpawnOptions{.uid = nobody->pw_uid, .gid = nobody->pw_gid};
}

}  // namespace

TEST_CASE("post_rejects_a_bad_note") {
  const std::string self = std::to_string(getpid());
  check_error(note({"post", self, std::string(200, 'x')}), kRejected,
              "note: note too long: 200 bytes, at most 127");
  check_error(note({"post", self, std::string(128, 'x')}), kRejected,
              "note: note too long: 128 bytes, at most 127");
  check_error(note({"post", self, ""}), kRejected, "note: empty note: a note has 1 to 127 bytes");
  check_error(note({"post", "-g", self, ""}), kRejected,
              "note: empty note: a note has 1 to 127 bytes");
}

TEST_CASE("post_to_no_such_process") {
  const std::string line = "note: no such process: " + kNoSuchId;
  check_error(note({"post", kNoSuchId, "hangup"}), kNoSuchProcess, line);
  check_error(note({"post", kNoSuchId, "rotate logs"}), kNoSuchProcess, line);
  const std::string group_line = "note: no such process group: " + kNoSuchId;
  check_error(note({"post", "-g", kNoSuchId, "hangup"}), kNoSuchProcess, group_line);
  check_error(note({"post", "-g", kNoSuchId, "rotate logs"}), kNoSuchProcess, group_line);
}

TEST_CASE("post_usage_errors") {
  check_error(note({"post", "abc", "hangup"}), kUsage, "note: bad process id: abc");
  check_error(note({"post", "0", "hangup"}), kUsage, "note: bad process id: 0");
  check_error(note({"post", "12x", "hangup"}), kUsage, "note: bad process id: 12x");
  check_error(note({"post", "--", "-5", "hangup"}), kUsage, "note: bad process id: -5");
  check_error(note({"post", "-g", "abc", "hangup"}), kUsage, "note: bad process group id: abc");
  check_error(note({"post", "-x", "1", "hangup"}), kUsage, "note: unknown option: -x");
  check_error(note({"post", "--group", "1", "hangup"}), kUsage, "note: unknown option: --group");
  check_error(note({"post"}), kUsage, "note: post: missing process id and note");
  check_error(note({"post", "-g"}), kUsage, "note: post: missing process id and note");
  check_error(note({"post", "1"}), kUsage, "note: post: missing note");
  check_error(note({"post", "1", "rotate", "logs"}), kUsage,
              "note: post: too many arguments (quote a note that has spaces)");
}

TEST_CASE("post_string_note_to_a_process_without_mailbox") {
  Child sleeper({"/bin/sleep", "30"});
  const std::string pid = std::to_string(sleeper.pid());
  check_error(note({"post", pid, "rotate logs"}), kNotDeliverable,
              "note: note not deliverable: process " + pid +
                  " has no mailbox (it receives no string notes)");
  CHECK(sleeper.running());  // and nothing else reached it
}

TEST_CASE("post_to_another_users_process_is_denied") {
  const std::optional<SpawnOptions> nobody = as_nobody();
  if (!nobody) return;

  Child waiter({kNote, "wait", "-n", "1"});
  require_ready(waiter);
  const std::string pid = std::to_string(waiter.pid());
  const std::string denied = "note: permission denied: process " + pid + " belongs to another user";
  for (const char* text : {"hangup", "rotate logs"}) {
    CAPTURE(text);
    Output r = note({"post", pid, text}, *nobody);
    REQUIRE_MESSAGE(r.status != 127, "user nobody cannot run " << kNote);
    check_error(r, kPermissionDenied, denied);
  }
  // Neither refused note reached the waiter: the first note it prints is the next one.
  check_ok(note({"post", pid, "from root"}));
  CHECK(waiter.read_line() == "from root");
  CHECK(waiter.wait() == kSuccess);
  CHECK(waiter.rest_of_output() == "");
}

TEST_CASE("full_mailbox_refuses_notes_and_loses_none") {
  Child waiter({kNote, "wait"});
  require_ready(waiter);
  const std::string pid = std::to_string(waiter.pid());

  // A stopped process reads nothing, so its mailbox fills. How many notes fit is the system's
  // business (net.unix.max_dgram_qlen on Linux); count the ones accepted.
  REQUIRE(kill(waiter.pid(), SIGSTOP) == 0);
  REQUIRE(waiter.wait_stopped());
  constexpr int kMostTries = 100000;
  int accepted = 0;
  Output refused;
  while (accepted < kMostTries) {
    Output r = note({"post", pid, "note " + std::to_string(accepted + 1)});
    if (r.status != kSuccess) {
      refused = r;
      break;
    }
    accepted++;
  }
  REQUIRE(accepted > 0);
  check_error(refused, kQueueFull,
              "note: note not posted: the note queue of process " + pid + " is full; try again");

  // Once it runs again the mailbox drains. "last" is posted after every accepted note and after
  // the refused one, so if the refused note had been kept it would come before "last".
  REQUIRE(kill(waiter.pid(), SIGCONT) == 0);
  Output last;
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  do {
    last = note({"post", pid, "last"});
  } while (last.status == kQueueFull && std::chrono::steady_clock::now() < deadline);
  check_ok(last);
  for (int i = 1; i <= accepted; i++) CHECK(waiter.read_line() == "note " + std::to_string(i));
  CHECK(waiter.read_line() == "last");

  // It waits for notes forever; end it and check it printed nothing else.
  REQUIRE(kill(waiter.pid(), SIGKILL) == 0);
  CHECK(waiter.wait() == 128 + SIGKILL);
  CHECK(waiter.rest_of_output() == "");
  CHECK(waiter.error_output() == "");
  MESSAGE("the mailbox took ", accepted, " notes before it was full");
}

TEST_CASE("post_group_reaches_every_member") {
  Child leader({kNote, "wait", "-n", "2"}, {.process_group = 0});
  require_ready(leader);
  Child member({kNote, "wait", "-n", "2"}, {.process_group = leader.pid()});
  require_ready(member);
  const std::string group = std::to_string(leader.pid());

  check_ok(note({"post", "-g", group, "hello"}));
  CHECK(leader.read_line() == "hello");
  CHECK(member.read_line() == "hello");

  check_ok(note({"post", "-g", group, "hangup"}));
  CHECK(leader.read_line() == "hangup");
  CHECK(member.read_line() == "hangup");

  for (Child* c : {&leader, &member}) {
    CHECK(c->wait() == kSuccess);
    CHECK(c->rest_of_output() == "");
    CHECK(c->error_output() == "");
  }
}

TEST_CASE("post_group_string_note_to_a_group_without_mailbox") {
  Child sleeper({"/bin/sleep", "30"}, {.process_group = 0});
  const std::string group = std::to_string(sleeper.pid());
  // The group exists once the child has left ours; wait for that before posting.
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (getpgid(sleeper.pid()) != sleeper.pid() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  REQUIRE(getpgid(sleeper.pid()) == sleeper.pid());
  check_error(note({"post", "-g", group, "rotate logs"}), kNotDeliverable,
              "note: note not deliverable: no process of group " + group +
                  " has a mailbox (none receives string notes)");
}

TEST_CASE("root_may_post_to_another_users_process") {
  std::optional<SpawnOptions> nobody = as_nobody();
  if (!nobody) return;
  TempDir base;
  // Like /tmp: every user may make a mailbox directory of their own in it.
  std::filesystem::permissions(base.path(),
                               std::filesystem::perms::all | std::filesystem::perms::sticky_bit);
  nobody->env = {base.env()};

  Child waiter({kNote, "wait", "-n", "2"}, *nobody);
  require_ready(waiter);
  const std::string pid = std::to_string(waiter.pid());
  check_ok(note({"post", pid, "hangup"}, {.env = {base.env()}}));
  CHECK(waiter.read_line() == "hangup");
  check_ok(note({"post", pid, "rotate logs"}, {.env = {base.env()}}));
  CHECK(waiter.read_line() == "rotate logs");
  CHECK(waiter.wait() == kSuccess);
  CHECK(waiter.error_output() == "");
}

TEST_CASE("mailbox_directory_comes_from_the_environment") {
  TempDir base, elsewhere;
  Child waiter({kNote, "wait", "-n", "1"}, {.env = {base.env()}});
  require_ready(waiter);
  const std::string pid = std::to_string(waiter.pid());
  const std::filesystem::path mailboxes = base.user_dir(geteuid());
  CHECK(std::filesystem::is_directory(mailboxes));
  CHECK(!std::filesystem::is_empty(mailboxes));

  // A sender that looks in another place finds no mailbox there; one that looks in the same
  // place delivers.
  check_error(note({"post", pid, "hello"}, {.env = {elsewhere.env()}}), kNotDeliverable,
              "note: note not deliverable: process " + pid +
                  " has no mailbox (it receives no string notes)");
  check_ok(note({"post", pid, "hello"}, {.env = {base.env()}}));
  CHECK(waiter.read_line() == "hello");
  CHECK(waiter.wait() == kSuccess);
  CHECK(std::filesystem::is_empty(mailboxes));  // it took its mailbox away when it left
}

TEST_CASE("wait_refuses_an_unsafe_mailbox_directory") {
  namespace fs = std::filesystem;
  auto check_refused = [](const TempDir& base) {
    Output r = note({"wait", "-t", "0"}, {.env = {base.env()}});
    INFO(r.command);
    CHECK(r.status == kSystemError);
    CHECK(r.out == "");  // no pid line: there is no receiver to post to
    CHECK(r.err.starts_with("note: "));
    CHECK(r.err.find(base.user_dir(geteuid()).string()) != std::string::npos);
    CHECK(r.err.find('\n') == r.err.size() - 1);  // one line
  };
  SUBCASE("a file") {
    TempDir base;
    { std::ofstream(base.user_dir(geteuid())) << "not a directory\n"; }
    check_refused(base);
  }
  SUBCASE("a link to a directory") {
    TempDir base, target;
    fs::create_directory_symlink(target.path(), base.user_dir(geteuid()));
    check_refused(base);
  }
  SUBCASE("a directory open to other users") {
    TempDir base;
    fs::create_directory(base.user_dir(geteuid()));
    fs::permissions(base.user_dir(geteuid()), fs::perms::owner_all | fs::perms::group_read |
                                                  fs::perms::group_exec | fs::perms::others_read |
                                                  fs::perms::others_exec);
    check_refused(base);
  }
}
