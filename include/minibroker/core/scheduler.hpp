#pragma once
// Timed work: "run this at time t". The simulation provides two implementations
// (sim/schedulers.hpp): a discrete-event one for virtual time, which jumps the virtual clock to
// the next due task when nothing else is left to do, and a timer one for real time.
// Components that act by themselves (a quote every few milliseconds, an order at a given rate)
// take a scheduler, never a timer of their own, so the same component runs in both modes.

#include <functional>

#include "minibroker/core/clock.hpp"

namespace minibroker {

// Thread safety: schedule_at() from the scheduler's own executor (the event loop's thread).
// Tasks run on that executor, in time order; tasks due at the same time run in the order they
// were scheduled.
class scheduler {
public:
  scheduler() = default;
  scheduler(const scheduler&) = delete;
  scheduler& operator=(const scheduler&) = delete;
  virtual ~scheduler() = default;

  // The clock that tasks are timed against.
  [[nodiscard]] virtual const clock& time() const noexcept = 0;
  // Runs task at `at` (at once, in order, when `at` has passed).
  virtual void schedule_at(timestamp at, std::function<void()> task) = 0;
  void schedule_after(duration delay, std::function<void()> task) {
    schedule_at(time().now() + delay, std::move(task));
  }
};

} // namespace minibroker
