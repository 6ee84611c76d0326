#pragma once
// The two schedulers (see core/scheduler.hpp).
//
// virtual_scheduler: discrete-event time on one io_context thread. run() alternates between
// running every ready handler of the io_context (the bus's deliveries, posts) and, once none is
// left, jumping the virtual clock to the next due task and running it. The machine goes as fast
// as it can; the timeline is the one a real-time run would follow if the machine kept up. With
// one thread and the same inputs, it is deterministic.
//
// real_scheduler: wall-clock time; one steady timer armed for the earliest due task. When it falls
// behind (tasks already due after a batch), or the next task is due within 50 us, the next batch
// is posted, not timed: dense tasks keep the thread polling instead of paying a timer per task.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "minibroker/core/scheduler.hpp"

namespace minibroker {

namespace detail {
struct scheduled_task {
  timestamp at;
  std::uint64_t order = 0; // ties at the same time run in scheduling order
  std::function<void()> task;
};
struct later_first {
  bool operator()(const scheduled_task& a, const scheduled_task& b) const noexcept {
    return a.at != b.at ? a.at > b.at : a.order > b.order;
  }
};
using task_queue = std::priority_queue<scheduled_task, std::vector<scheduled_task>, later_first>;
} // namespace detail

// Thread safety: single-threaded; everything on the thread that calls run().
class virtual_scheduler final : public scheduler {
public:
  virtual_scheduler(boost::asio::io_context& io, virtual_clock& clock) : io_(io), clock_(clock) {}

  [[nodiscard]] const clock& time() const noexcept override { return clock_; }
  void schedule_at(timestamp at, std::function<void()> task) override;

  // Runs until no handler and no task is left, stop() is called, or the next task is due after
  // `until` (then the clock is left at `until`). Returns the number of tasks run.
  std::uint64_t run(std::optional<timestamp> until = std::nullopt);
  // Makes run() return after the current handler or task.
  void stop() noexcept { stopped_ = true; }
  [[nodiscard]] std::size_t pending() const noexcept { return tasks_.size(); }

private:
  boost::asio::io_context& io_;
  virtual_clock& clock_;
  detail::task_queue tasks_;
  std::uint64_t next_order_ = 0;
  bool stopped_ = false;
};

// Thread safety: schedule_at() and stop() from the executor's thread (or strand).
class real_scheduler final : public scheduler {
public:
  // `clock` must be a real-time clock (real_clock): deadlines are waited for with a steady timer.
  real_scheduler(const boost::asio::any_io_executor& executor, const clock& clock);

  [[nodiscard]] const clock& time() const noexcept override { return clock_; }
  void schedule_at(timestamp at, std::function<void()> task) override;
  // Drops every pending task and cancels the timer, so the io_context can run out of work.
  void stop();
  [[nodiscard]] const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
  [[nodiscard]] std::size_t pending() const noexcept { return tasks_.size(); }

private:
  void arm();
  void on_timer();
  void run_due();

  const clock& clock_;
  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer timer_;
  detail::task_queue tasks_;
  std::optional<timestamp> armed_for_;
  std::uint64_t next_order_ = 0;
  bool stopped_ = false;
  bool in_batch_ = false;                                  // running or posted a batch: it arms the timer when done
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(); // a posted batch's check on this
};

} // namespace minibroker
