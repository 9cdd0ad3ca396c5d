// post_group writes /proc/N/notepg, which posts to every proc of the note group except the
// writer (9front port/proc.c postnotepg skips `up`; postnote(2)). The test makes a note group of
// its own (rfork RFNOTEG), so nothing else gets the note, starts two procs in it, and checks who
// got "pg note": the two procs, once each, and not the writer. On Plan 9 a group is named by the
// pid of a member (this_group() is this_process()).
#include <atomic>

#include "check.h"
#include "notes/notes.h"

namespace {

constexpr int kProcs = 2;
std::atomic<int> got[8];  // pids that handled the note
std::atomic<int> count{0};
std::int32_t started = 0;
std::int32_t done = 0;

notes::Disposition on_note(const notes::Note&, void*) noexcept {
  const int i = count.fetch_add(1);
  if (i < 8) got[i] = plan9::getpid();
  return notes::Disposition::handled;
}

void member(void*) {
  plan9::semrelease(&started, 1);
  while (plan9::semacquire(&done, 1) != 1) {  // "interrupted" when the note comes: wait again
  }
}

}  // namespace

int main(int, char**) {
  CHECK(plan9::rfork(plan9::RFNOTEG) == 0);
  auto h = notes::Handler::install({"pg note"}, on_note);
  CHECK(h.ok());
  int pids[kProcs];
  for (int& pid : pids) pid = plan9::spawn_proc(member, nullptr);
  for (int i = 0; i < kProcs; i++) {
    while (plan9::semacquire(&started, 1) != 1) {
    }
  }
  CHECK(notes::this_group() == notes::this_process());
  CHECK(notes::post_group(notes::this_group(), "pg note").ok());
  for (int i = 0; i < 200 && count.load() < kProcs; i++) plan9::sleep(10);
  plan9::sleep(100);  // a third delivery would show by now
  plan9::print("writer %d, members %d %d; handled by", plan9::getpid(), pids[0], pids[1]);
  for (int i = 0; i < count.load() && i < 8; i++) plan9::print(" %d", got[i].load());
  plan9::print("\n");
  CHECK(count.load() == kProcs);
  bool each_once = true;
  for (int pid : pids) {
    int seen = 0;
    for (int i = 0; i < count.load() && i < 8; i++) seen += got[i].load() == pid;
    each_once = each_once && seen == 1;
  }
  CHECK(each_once);

  // The group of a proc that does not exist.
  CHECK(notes::post_group(0x7ffffff0, "pg note").code() == notes::Code::no_such_process);

  plan9::semrelease(&done, kProcs);
  for (int pid : pids) CHECK(plan9::wait_proc(pid) == 0);
  return p9test::summary();
}
