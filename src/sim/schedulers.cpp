#include "minibroker/sim/schedulers.hpp"

#include <boost/asio/post.hpp>

namespace minibroker {

namespace {
// A task due within this much of now is waited for by posting, not with the timer.
constexpr duration spin_window = std::chrono::microseconds{50};
} // namespace

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
  if (!in_batch_ && (!armed_for_ || at < *armed_for_)) {
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
  run_due();
}

void real_scheduler::run_due() {
  const timestamp now = clock_.now();
  // A bounded batch per turn: a task that is behind (and schedules its next one in the past) must
  // not starve the handlers it feeds. Tasks scheduled meanwhile arm the timer once, below.
  constexpr int max_batch = 64;
  in_batch_ = true;
  for (int n = 0; n < max_batch && !stopped_ && !tasks_.empty() && tasks_.top().at <= now; ++n) {
    auto next = std::move(const_cast<detail::scheduled_task&>(tasks_.top()));
    tasks_.pop();
    next.task();
  }
  if (stopped_) {
    in_batch_ = false;
    return;
  }
  if (!tasks_.empty() && tasks_.top().at <= clock_.now() + spin_window) {
    // Behind, or the next task is nearly due: the next batch is posted, behind the handlers already
    // waiting, and runs what is due by then. A timer costs two timerfd_settime calls and an
    // epoll_wait per wake-up (BENCHMARKS.md): at 100k tasks a second, more than the waits.
    boost::asio::post(executor_, [this, alive = std::weak_ptr<bool>(alive_)] {
      if (!alive.expired()) {
        in_batch_ = false;
        if (!stopped_) {
          run_due();
        }
      }
    });
    return;
  }
  in_batch_ = false;
  arm();
}

} // namespace minibroker
