#include "minibroker/sim/schedulers.hpp"

namespace minibroker {

void virtual_scheduler::schedule_at(timestamp at, std::function<void()> task) {
  tasks_.push({at, next_order_++, std::move(task)});
}

std::uint64_t virtual_scheduler::run(std::optional<timestamp> until) {
  stopped_ = false;
  std::uint64_t ran = 0;
  while (!stopped_) {
    // Everything that is ready now happens before time moves on.
    io_.restart();
    io_.poll();
    if (stopped_ || tasks_.empty()) {
      break;
    }
    if (until && tasks_.top().at > *until) {
      clock_.advance_to(*until);
      break;
    }
    // priority_queue::top() is const; the task is moved out before pop, which is safe because
    // pop only reorders the remaining elements.
    auto next = std::move(const_cast<detail::scheduled_task&>(tasks_.top()));
    tasks_.pop();
    clock_.advance_to(next.at);
    next.task();
    ++ran;
  }
  return ran;
}

real_scheduler::real_scheduler(const boost::asio::any_io_executor& executor, const clock& clock)
    : clock_(clock), executor_(executor), timer_(executor) {}

void real_scheduler::schedule_at(timestamp at, std::function<void()> task) {
  if (stopped_) {
    return;
  }
  tasks_.push({at, next_order_++, std::move(task)});
  if (!armed_for_ || at < *armed_for_) {
    arm();
  }
}

void real_scheduler::stop() {
  stopped_ = true;
  tasks_ = {};
  armed_for_.reset();
  timer_.cancel();
}

void real_scheduler::arm() {
  if (tasks_.empty()) {
    armed_for_.reset();
    return;
  }
  const timestamp at = tasks_.top().at;
  armed_for_ = at;
  timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(at - clock_.now()));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      on_timer();
    }
  });
}

void real_scheduler::on_timer() {
  armed_for_.reset();
  const timestamp now = clock_.now();
  // A bounded batch per wake-up: a task that is behind (and schedules its next one in the past)
  // must not starve the handlers it feeds; the timer, re-armed in the past, fires again at once.
  constexpr int max_batch = 64;
  for (int n = 0; n < max_batch && !stopped_ && !tasks_.empty() && tasks_.top().at <= now; ++n) {
    auto next = std::move(const_cast<detail::scheduled_task&>(tasks_.top()));
    tasks_.pop();
    next.task();
  }
  if (!stopped_ && !armed_for_) {
    arm();
  }
}

} // namespace minibroker
