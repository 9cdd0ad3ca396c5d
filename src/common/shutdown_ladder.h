// ShutdownLadder: the broadcaster's state machine, free of OS calls. The backend feeds it what
// happened (a member started, exited, its group emptied; a termination note; the clock) and
// carries out what it asks through Actions (post the note, SIGCONT, hard kill).
#ifndef NOTES_COMMON_SHUTDOWN_LADDER_H
#define NOTES_COMMON_SHUTDOWN_LADDER_H

#include <stdint.h>

#include <string_view>

#include "notes/exit_status.h"
#include "notes/shutdown_group.h"

namespace notes::detail {

class ShutdownLadder {
 public:
  class Actions {
   public:
    virtual void post_note(int member) = 0;
    virtual void cont(int member) = 0;
    virtual void hard_kill(int member) = 0;
    // True while the member's process group has a process in it.
    virtual bool group_alive(int member) = 0;
    virtual void event(Event::Kind kind, int member, const ExitStatus& status,
                       std::string_view detail) = 0;

   protected:
    ~Actions() = default;
  };

  ShutdownLadder(Actions& actions, int64_t grace_ns, StatusPolicy status,
                 TriggerPolicy on) noexcept;
  ~ShutdownLadder();
  ShutdownLadder(const ShutdownLadder&) = delete;
  ShutdownLadder& operator=(const ShutdownLadder&) = delete;

  // Adds a member; returns its index, or -1 when out of memory.
  int add_member() noexcept;
  int members() const noexcept { return count_; }

  void spawn_failed(int member, const ExitStatus& status, int64_t now) noexcept;
  void exited(int member, const ExitStatus& status, int64_t now) noexcept;
  void group_gone(int member) noexcept;
  void termination_note(std::string_view note, int64_t now) noexcept;
  void shutdown(std::string_view why, int64_t now) noexcept;
  // Call when the clock reaches deadline().
  void tick(int64_t now) noexcept;

  // When tick() is next due; INT64_MAX when nothing is timed.
  int64_t deadline() const noexcept { return phase_ == Phase::grace ? deadline_ : INT64_MAX; }
  bool triggered() const noexcept { return phase_ != Phase::running; }
  bool leader_alive(int member) const noexcept { return !members_[member].exited; }
  bool gone(int member) const noexcept { return members_[member].gone; }
  // The ladder has run (or every member ended) and every member's group is gone.
  bool finished() const noexcept;
  ExitStatus result() const noexcept;

 private:
  enum class Phase { running, grace, killing };
  struct Member {
    bool exited = false;
    bool gone = false;
    bool noted = false;
    int order = -1;  // exit order
    ExitStatus status;
  };

  void trigger(std::string_view why, int64_t now) noexcept;
  void escalate() noexcept;
  void record_exit(int member, const ExitStatus& status) noexcept;

  Actions& actions_;
  int64_t grace_ns_;
  StatusPolicy status_policy_;
  TriggerPolicy trigger_policy_;
  Phase phase_ = Phase::running;
  int64_t deadline_ = INT64_MAX;
  Member* members_ = nullptr;
  int count_ = 0;
  int capacity_ = 0;
  int exits_ = 0;
};

}  // namespace notes::detail

#endif  // NOTES_COMMON_SHUTDOWN_LADDER_H
