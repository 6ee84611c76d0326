#pragma once
// The two schedulers (see core/scheduler.hpp).
//
// virtual_scheduler: discrete-event time on one io_context thread. run() alternates between
// running every ready handler of the io_context (the bus's deliveries, posts) and, once none is
// left, jumping the virtual clock to the next due task and running it. The machine goes as fast
// as it can; the timeline is the one a real-time run would follow if the machine kept up. With
// one thread and the same inputs, it is deterministic.
//
// real_scheduler: wall-clock time. The thread that runs the executor polls for the last 200 us
// before a task is due (a batch posts itself behind the handlers waiting, and runs what is due by
// then); further ahead, a waker thread of the scheduler's own sleeps until 200 us before the task
// and posts the executor a wake-up. Why not an Asio timer: on the VMs this project is measured on,
// a timer wakes 50 to 150 us late, and a timer puts an epoll reactor in the io_context, which then
// calls epoll_wait (1.3 us there) between every two rounds of handlers: at 100,000 orders a
// second, more than the hops it separates (BENCHMARKS.md, issue #4, fifth session). With no
// timer and no socket, the io_context has no reactor at all. The cost: while tasks are dense the
// io thread never sleeps (a core).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>

#include "minibroker/bus/continuation.hpp"
#include "minibroker/core/scheduler.hpp"

namespace minibroker {

namespace detail {
// Due tasks, earliest first; tasks due at the same time in the order they were pushed. The heap
// holds small trivially copyable entries (time, order, slot) and the tasks stay put in their
// slots: a push or a pop moves one std::function once, where a heap of std::function moved one at
// every level it sifted (a fifth of the virtual scheduler's instructions per task).
class task_queue {
public:
  [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return heap_.size(); }
  // The due time of the next task; the queue must not be empty.
  [[nodiscard]] timestamp next_at() const noexcept { return heap_.front().at; }
  void push(timestamp at, std::function<void()>&& task);
  // Takes the next task out; the queue must not be empty.
  std::function<void()> pop();
  void clear() noexcept;

private:
  struct entry {
    timestamp at;
    std::uint64_t order = 0; // ties at the same time run in push order
    std::uint32_t slot = 0;  // in tasks_
  };
  struct later_first {
    bool operator()(const entry& a, const entry& b) const noexcept {
      return a.at != b.at ? a.at > b.at : a.order > b.order;
    }
  };

  std::vector<entry> heap_; // a binary heap under later_first
  std::vector<std::function<void()>> tasks_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_order_ = 0;
};
} // namespace detail

// Thread safety: single-threaded; everything on the thread that calls run().
class virtual_scheduler final : public scheduler {
public:
  virtual_scheduler(boost::asio::io_context& io, virtual_clock& clock);

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
  // A task runs in a bus::drain_scope for the io_context's executor: the drains it makes due
  // there (a frontend's order.new for the broker) run right after it, as the poll that follows
  // would have run them first (the io_context has nothing else ready when a task starts).
  bus::scope_executor scope_executor_;
  virtual_clock& clock_;
  detail::task_queue tasks_;
  bool stopped_ = false;
};

// Thread safety: schedule_at() and stop() from the executor's thread (or strand). The executor's
// context must accept posts from another thread (the waker's): an io_context with a locking
// concurrency hint, as every real-clock one is.
class real_scheduler final : public scheduler {
public:
  // `clock` must be a real-time clock (real_clock): deadlines are waited for on the steady clock.
  real_scheduler(const boost::asio::any_io_executor& executor, const clock& clock);
  ~real_scheduler() override;

  [[nodiscard]] const clock& time() const noexcept override { return clock_; }
  void schedule_at(timestamp at, std::function<void()> task) override;
  // Drops every pending task and any wake-up, so the io_context can run out of work.
  void stop();
  [[nodiscard]] const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
  [[nodiscard]] std::size_t pending() const noexcept { return tasks_.size(); }

private:
  class waker;

  void arm();
  void on_wake(std::uint64_t generation);
  void post_batch();
  void run_due();

  const clock& clock_;
  boost::asio::any_io_executor executor_;
  // A batch of tasks runs in a bus::drain_scope for the executor: the drains its tasks make due
  // there (a frontend's order.new for its broker) run right after it, without a post each.
  bus::scope_executor scope_executor_;
  detail::task_queue tasks_;
  std::optional<timestamp> armed_for_;
  // While a wake-up is asked for: keeps the io_context's run() from returning meanwhile.
  std::optional<boost::asio::any_io_executor> work_;
  std::uint64_t generation_ = 0; // of the latest wake-up asked for; an older one is ignored
  bool stopped_ = false;
  bool in_batch_ = false;                                  // running or posted a batch: it arms when done
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(); // a posted batch's check on this
  std::unique_ptr<waker> waker_;                           // started at the first wait
};

} // namespace minibroker
