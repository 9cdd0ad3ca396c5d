#include "common/shutdown_ladder.h"

#include <new>

namespace notes::detail {

ShutdownLadder::ShutdownLadder(Actions& actions, int64_t grace_ns, StatusPolicy status,
                               TriggerPolicy on) noexcept
    : actions_(actions), grace_ns_(grace_ns), status_policy_(status), trigger_policy_(on) {}

ShutdownLadder::~ShutdownLadder() {
  delete[] members_;
}

int ShutdownLadder::add_member() noexcept {
  if (count_ == capacity_) {
    int capacity = capacity_ == 0 ? 16 : capacity_ * 2;
    auto* grown = new (std::nothrow) Member[capacity];
    if (grown == nullptr) return -1;
    for (int i = 0; i < count_; i++) grown[i] = members_[i];
    delete[] members_;
    members_ = grown;
    capacity_ = capacity;
  }
  members_[count_] = Member{};
  return count_++;
}

void ShutdownLadder::record_exit(int member, const ExitStatus& status) noexcept {
  Member& m = members_[member];
  m.exited = true;
  m.status = status;
  m.order = exits_++;
}

void ShutdownLadder::spawn_failed(int member, const ExitStatus& status, int64_t now) noexcept {
  record_exit(member, status);
  members_[member].gone = true;
  actions_.event(Event::Kind::spawn_failed, member, status, {});
  if (!triggered()) trigger("a member could not be started", now);
}

void ShutdownLadder::exited(int member, const ExitStatus& status, int64_t now) noexcept {
  if (members_[member].exited) return;
  record_exit(member, status);
  actions_.event(Event::Kind::exited, member, status, {});
  if (triggered()) return;
  if (trigger_policy_ == TriggerPolicy::any_exit) {
    trigger("a member exited", now);
  } else if (!status.ok()) {
    trigger("a member failed", now);
  } else if (exits_ == count_) {
    trigger("every member exited", now);
  }
}

void ShutdownLadder::group_gone(int member) noexcept {
  if (members_[member].gone) return;
  members_[member].gone = true;
  actions_.event(Event::Kind::reaped, member, members_[member].status, {});
}

void ShutdownLadder::termination_note(std::string_view note, int64_t now) noexcept {
  if (!triggered()) {
    trigger(note, now);
  } else if (phase_ == Phase::grace) {
    actions_.event(Event::Kind::grace_skipped, -1, ExitStatus(), note);
    escalate();
  }
}

void ShutdownLadder::shutdown(std::string_view why, int64_t now) noexcept {
  if (!triggered()) trigger(why, now);
}

void ShutdownLadder::tick(int64_t now) noexcept {
  if (phase_ == Phase::grace && now >= deadline_) escalate();
}

void ShutdownLadder::trigger(std::string_view why, int64_t now) noexcept {
  phase_ = Phase::grace;
  deadline_ = grace_ns_ > INT64_MAX - now ? INT64_MAX : now + grace_ns_;
  actions_.event(Event::Kind::trigger, -1, ExitStatus(), why);
  for (int i = 0; i < count_; i++) {
    Member& m = members_[i];
    if (m.gone || m.noted || !actions_.group_alive(i)) continue;
    m.noted = true;  // exactly once per member, whatever else happens
    actions_.post_note(i);
    actions_.event(Event::Kind::note_posted, i, ExitStatus(), {});
    actions_.cont(i);
    actions_.event(Event::Kind::continued, i, ExitStatus(), {});
  }
}

void ShutdownLadder::escalate() noexcept {
  phase_ = Phase::killing;
  for (int i = 0; i < count_; i++) {
    if (members_[i].gone) continue;
    actions_.hard_kill(i);
    actions_.event(Event::Kind::escalated, i, ExitStatus(), {});
  }
}

bool ShutdownLadder::finished() const noexcept {
  if (count_ > 0 && !triggered()) return false;
  for (int i = 0; i < count_; i++) {
    if (!members_[i].gone || !members_[i].exited) return false;
  }
  return true;
}

ExitStatus ShutdownLadder::result() const noexcept {
  const Member* chosen = nullptr;
  for (int i = 0; i < count_; i++) {
    const Member& m = members_[i];
    if (!m.exited) continue;
    switch (status_policy_) {
      case StatusPolicy::first:
        if (chosen == nullptr || m.order < chosen->order) chosen = &m;
        break;
      case StatusPolicy::last:
        if (chosen == nullptr || m.order > chosen->order) chosen = &m;
        break;
      case StatusPolicy::worst:
        if (chosen == nullptr || m.status.code() > chosen->status.code() ||
            (m.status.code() == chosen->status.code() && m.order < chosen->order)) {
          chosen = &m;
        }
        break;
      case StatusPolicy::all:
        if (!m.status.ok() && (chosen == nullptr || m.order < chosen->order)) chosen = &m;
        break;
    }
  }
  return chosen ? chosen->status : ExitStatus();
}

}  // namespace notes::detail
