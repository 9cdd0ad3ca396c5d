// Group exit on Plan 9 (group_exit.h; the protocol is described in notes/group_exit.h).
//
// State, in static memory that every member shares: the member table (pids, 0 for a free slot),
// the leader, the winner (the pid of the first proc to exit, claimed by compare-and-swap: the
// first exit wins) and the status it published, and two kernel semaphores: `left` (a member
// left the table) and `cleaned_up` (the winner finished the program's cleanup).
//
// Races: a proc joins the table and then looks at `winner`; the winner claims and then reads the
// table. Both are sequentially consistent, so a proc starting during an exit either gets the exit
// note or sees the winner and ends itself (Go's minit does the same check). A member that gets
// its note while it holds a plan9::Lock would leave the lock held forever, so it finishes its
// critical section first (plan9.h ProcLocal::on_last_unlock). Everything that runs in note
// context here is a system call on stack memory or an atomic on static memory.
#include "plan9/group_exit.h"

#include <atomic>

#include "common/backend.h"
#include "common/registry.h"
#include "common/text.h"
#include "plan9.h"
#include "plan9/entry.h"

namespace notes::detail::group_exit {
namespace {

constexpr std::string_view kPrefix = "notes: exit";
// Exit notes are cut to what every kernel takes (post.cc: some refuse 127 bytes).
constexpr size_t kMaxExitNote = 126;
constexpr int kMaxMembers = 256;
// How long the winner waits for the others to leave, and the leader for the winner's cleanup.
constexpr int64_t kPatienceNs = 5'000'000'000;

std::atomic<int> members[kMaxMembers];
std::atomic<int> leader{0};
std::atomic<int> winner{0};
std::atomic<bool> published{false};
char status[plan9::kErrMax];  // the winner's exit string, once `published`
int32_t left = 0;
int32_t cleaned_up = 0;

int self() noexcept {
  return plan9::getpid();
}
int64_t now() noexcept {
  return backend::monotonic_ns();
}

bool join(int pid) noexcept {
  for (auto& m : members) {
    int free = 0;
    if (m.compare_exchange_strong(free, pid)) return true;
  }
  return false;
}

bool is_member(int pid) noexcept {
  if (pid <= 0) return false;
  for (auto& m : members) {
    if (m.load() == pid) return true;
  }
  return false;
}

void leave(int pid) noexcept {
  for (auto& m : members) {
    int p = pid;
    if (m.compare_exchange_strong(p, 0)) {
      if (winner.load() != 0) plan9::semrelease(&left, 1);  // a winner may be waiting
      return;
    }
  }
}

// The first n bytes of text, backed up so that no UTF-8 sequence is split.
size_t utf8_cut(std::string_view text, size_t n) noexcept {
  if (n >= text.size()) return text.size();
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) n--;
  return n;
}

std::string_view view(const char* s) noexcept {
  if (s == nullptr) return {};
  size_t n = 0;
  while (n < plan9::kErrMax - 1 && s[n] != '\0') n++;
  return {s, utf8_cut({s, plan9::kErrMax}, n)};
}

// Makes this proc the winner with exit string msg; false when another proc was first.
bool claim(const char* msg) noexcept {
  int none = 0;
  if (!winner.compare_exchange_strong(none, self())) return false;
  std::string_view m = view(msg);
  for (size_t i = 0; i < m.size(); i++) status[i] = m[i];
  status[m.size()] = '\0';
  published.store(true);
  return true;
}

// The group's exit string, once the winner has published it. The winner itself, interrupted
// between its claim and publishing, gets `fallback`.
const char* group_status(const char* fallback) noexcept {
  while (!published.load()) {
    if (winner.load() == self()) return fallback;
    plan9::sleep(0);
  }
  return status;
}

// "notes: exit <st>", cut to fit a note.
Note exit_note(const char* st) noexcept {
  char text[Note::max_size + 1];
  TextBuffer t(text, sizeof text);
  t.add(kPrefix.data(), kPrefix.size());
  std::string_view v = view(st);
  if (!v.empty()) t.add(" ").add(v.data(), utf8_cut(v, kMaxExitNote - kPrefix.size() - 1));
  Result<Note> note = Note::make(text);
  return note ? *note : Note();
}

// Runs the handler chain on the exit note, once in each proc (ProcLocal::library[0] remembers).
void run_handlers(const char* st) noexcept {
  std::uintptr_t& ran = plan9::proc_local().library[0];
  if (ran != 0) return;
  ran = 1;
  registry::dispatch(exit_note(st), kCarrier);
}

// Posts the exit note to every other member; one whose queue is full (NNOTE) is tried again
// until `deadline`. A member that is gone is taken out of the table.
void tell_members(int64_t deadline) noexcept {
  const Note note = exit_note(status);

  const int me = self();
  int told[kMaxMembers] = {};
  for (;;) {
    bool again = false;
    for (int i = 0; i < kMaxMembers; i++) {
      const int pid = members[i].load();
      if (pid == 0 || pid == me || pid == told[i]) continue;
      Status s = backend::post(pid, note);
      if (s.code() == Code::queue_full || s.code() == Code::interrupted) {
        again = true;
        continue;
      }
      if (!s.ok()) {
        int p = pid;
        members[i].compare_exchange_strong(p, 0);
      }
      told[i] = pid;
    }
    if (!again || now() >= deadline) return;
    plan9::sleep(1);
  }
}

// Waits until no other member is left in the table, or `deadline`.
void await_members(int64_t deadline) noexcept {
  const int me = self();
  for (;;) {
    bool any = false;
    for (auto& m : members) {
      const int pid = m.load();
      any = any || (pid != 0 && pid != me);
    }
    const int64_t left_ns = deadline - now();
    if (!any || left_ns <= 0) return;
    const int64_t ms = left_ns / 1000000 + 1;
    plan9::tsemacquire(&left, static_cast<unsigned long>(ms < 100 ? ms : 100));
  }
}

// Ends this member with exit string st, after the exit handlers (every member but the winner
// runs them). The leader, whose exit is the one the program's parent waits for, first waits for
// the winner's cleanup (atexit handlers, destructors).
[[noreturn]] void end(const char* st) noexcept {
  const int me = self();
  if (me != winner.load()) run_handlers(st);
  leave(me);
  if (me == winner.load()) {
    plan9::semrelease(&cleaned_up, 1);
  } else if (me == leader.load()) {
    const int64_t deadline = now() + kPatienceNs;
    for (int64_t ns = kPatienceNs; ns > 0; ns = deadline - now()) {
      const int r = plan9::tsemacquire(&cleaned_up, static_cast<unsigned long>(ns / 1000000 + 1));
      if (r >= 0) break;  // acquired, or timed out
    }
  }
  plan9::_exits(st);
}

void end_deferred() {
  end(group_status(""));
}

// ---- the runtime's proc hooks ---------------------------------------------------------------

void proc_started(int parent) {
  plan9::notify(notes_plan9_note_entry);  // inherited from the parent already; made certain
  if (!is_member(parent)) return;
  const int me = self();
  if (!join(me)) {
    plan9::fprint(2, "notes: more than %d procs: proc %d does not take part in group exit\n",
                  kMaxMembers, me);
    return;
  }
  if (winner.load() != 0) end(group_status(""));
}

void proc_returned() {
  const int me = self();
  if (!is_member(me)) return;
  const int w = winner.load();
  if (w != 0 && w != me) end(group_status(""));
  leave(me);
}

const char* proc_exiting(const char* msg) {
  const int me = self();
  if (!is_member(me)) return msg;
  if (claim(msg)) {
    const int64_t deadline = now() + kPatienceNs;
    tell_members(deadline);
    await_members(deadline);
    return status;
  }
  if (winner.load() == me) return group_status(msg);  // exits again, from an atexit handler
  end(group_status(msg));
}

void proc_exited() {
  const int me = self();
  if (winner.load() != me) return;
  leave(me);
  plan9::semrelease(&cleaned_up, 1);
}

void proc_failing(const char* msg) {
  const int me = self();
  if (!is_member(me)) return;
  if (claim(msg)) {
    tell_members(now() + kPatienceNs);
  } else if (winner.load() != me) {
    end(group_status(msg));
  }
  leave(me);  // the winner, failing now or during the cleanup: the rt ends it with msg
  plan9::semrelease(&cleaned_up, 1);
}

constexpr plan9::ProcHooks kHooks = {proc_started, proc_returned, proc_exiting, proc_exited,
                                     proc_failing};

}  // namespace

bool is_exit_note(std::string_view text) noexcept {
  return text.substr(0, kPrefix.size()) == kPrefix &&
         (text.size() == kPrefix.size() || text[kPrefix.size()] == ' ');
}

void start() noexcept {
  const int me = self();
  leader.store(me);
  join(me);
  plan9::set_proc_hooks(&kHooks);
}

int on_exit_note(const Note& note) noexcept {
  // The status the note carries: the text after "notes: exit ".
  char carried[plan9::kErrMax];
  std::string_view rest = note.view().substr(kPrefix.size());
  if (!rest.empty()) rest.remove_prefix(1);
  for (size_t i = 0; i < rest.size(); i++) carried[i] = rest[i];
  carried[rest.size()] = '\0';

  const int me = self();
  if (!is_member(me)) {
    run_handlers(carried);
    plan9::_exits(carried);
  }
  if (claim(carried)) {  // posted from outside the program: pass it on
    tell_members(now() + kPatienceNs);
    run_handlers(status);
    end(status);
  }
  if (plan9::proc_local().locks > 0) {
    plan9::proc_local().on_last_unlock = end_deferred;
    return plan9::NCONT;
  }
  end(group_status(carried));
}

int on_unhandled(const char* raw) noexcept {
  const int me = self();
  if (!is_member(me)) return plan9::NDFLT;
  if (claim(raw)) {
    tell_members(now() + kPatienceNs);
    leave(me);
    plan9::semrelease(&cleaned_up, 1);
    return plan9::NDFLT;
  }
  end(group_status(raw));
}

}  // namespace notes::detail::group_exit
