#include "minibroker/sim/schedulers.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <sys/prctl.h>

#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include "minibroker/bus/continuation.hpp"

namespace minibroker {

namespace {
// A task due within this much of now is waited for by polling (posting the next batch), not by
// sleeping: a sleeping thread wakes 50 to 150 us late on the VMs this project is measured on.
constexpr duration spin_window = std::chrono::microseconds{200};
} // namespace

namespace detail {

void task_queue::push(timestamp at, std::function<void()>&& task) {
  std::uint32_t slot = 0;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(tasks_.size());
    tasks_.push_back(std::move(task));
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    tasks_[slot] = std::move(task);
  }
  heap_.push_back({at, next_order_++, slot});
  std::push_heap(heap_.begin(), heap_.end(), later_first{});
}

std::function<void()> task_queue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), later_first{});
  const std::uint32_t slot = heap_.back().slot;
  heap_.pop_back();
  std::function<void()> task = std::move(tasks_[slot]);
  tasks_[slot] = nullptr; // a moved-from std::function is only valid but unspecified
  free_slots_.push_back(slot);
  return task;
}

void task_queue::clear() noexcept {
  heap_.clear();
  tasks_.clear();
  free_slots_.clear();
}

} // namespace detail

virtual_scheduler::virtual_scheduler(boost::asio::io_context& io, virtual_clock& clock)
    : io_(io), scope_executor_(io.get_executor()), clock_(clock) {}

void virtual_scheduler::schedule_at(timestamp at, std::function<void()> task) { tasks_.push(at, std::move(task)); }

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
    const timestamp at = tasks_.next_at();
    if (until && at > *until) {
      clock_.advance_to(*until);
      break;
    }
    const std::function<void()> task = tasks_.pop();
    clock_.advance_to(at);
    bus::drain_scope scope(scope_executor_);
    task();
    scope.run_continuations();
    ++ran;
  }
  return ran;
}

// Sleeps until a deadline, then posts the scheduler a wake-up. One deadline at a time: a new one
// replaces the one before.
class real_scheduler::waker {
public:
  using steady = std::chrono::steady_clock;
  using wake = std::function<void(std::uint64_t generation)>;

  explicit waker(wake on_deadline) : on_deadline_(std::move(on_deadline)), thread_([this] { run(); }) {}
  waker(const waker&) = delete;
  waker& operator=(const waker&) = delete;
  ~waker() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_one();
    thread_.join();
  }

  void wake_at(steady::time_point deadline, std::uint64_t generation) {
    {
      const std::lock_guard lock(mutex_);
      deadline_ = deadline;
      generation_ = generation;
    }
    changed_.notify_one();
  }

  void cancel() {
    const std::lock_guard lock(mutex_);
    deadline_.reset();
  }

private:
  void run() {
    // The default 50 us of timer slack would be added to every wait.
    (void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      if (!deadline_) {
        changed_.wait(lock);
      } else if (steady::now() < *deadline_) {
        changed_.wait_until(lock, *deadline_);
      } else {
        deadline_.reset();
        const std::uint64_t generation = generation_;
        lock.unlock();
        on_deadline_(generation);
        lock.lock();
      }
    }
  }

  wake on_deadline_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<steady::time_point> deadline_; // guarded by mutex_
  std::uint64_t generation_ = 0;               // guarded by mutex_
  bool stopping_ = false;                      // guarded by mutex_
  std::thread thread_;                         // last: it starts once the members above exist
};

real_scheduler::real_scheduler(const boost::asio::any_io_executor& executor, const clock& clock)
    : clock_(clock), executor_(executor), scope_executor_(executor) {}

real_scheduler::~real_scheduler() {
  waker_.reset(); // joins the thread: no wake-up is posted after this
}

void real_scheduler::schedule_at(timestamp at, std::function<void()> task) {
  if (stopped_) {
    return;
  }
  tasks_.push(at, std::move(task));
  if (!in_batch_ && (!armed_for_ || at < *armed_for_)) {
    arm();
  }
}

void real_scheduler::stop() {
  stopped_ = true;
  tasks_.clear();
  armed_for_.reset();
  ++generation_;
  if (waker_) {
    waker_->cancel();
  }
  work_.reset();
}

void real_scheduler::arm() {
  if (tasks_.empty()) {
    armed_for_.reset();
    ++generation_;
    if (waker_) {
      waker_->cancel();
    }
    work_.reset();
    return;
  }
  const timestamp at = tasks_.next_at();
  armed_for_ = at;
  const std::uint64_t generation = ++generation_;
  if (at <= clock_.now() + spin_window) {
    // Due within the window (schedule_at outside a batch): poll from now on.
    if (waker_) {
      waker_->cancel();
    }
    in_batch_ = true;
    post_batch();
    work_.reset(); // after the post: the io_context stops when its work count reaches zero
    return;
  }
  if (!work_) {
    work_.emplace(boost::asio::prefer(executor_, boost::asio::execution::outstanding_work.tracked));
  }
  if (!waker_) {
    waker_ =
        std::make_unique<waker>([executor = executor_, alive = std::weak_ptr<bool>(alive_), this](std::uint64_t woken) {
          boost::asio::post(executor, [this, alive, woken] {
            if (!alive.expired()) {
              on_wake(woken);
            }
          });
        });
  }
  waker_->wake_at(std::chrono::steady_clock::now() +
                      std::chrono::duration_cast<std::chrono::steady_clock::duration>(at - spin_window - clock_.now()),
                  generation);
}

void real_scheduler::on_wake(std::uint64_t generation) {
  if (generation != generation_ || stopped_ || in_batch_) {
    return; // a deadline replaced since, or a batch already polling
  }
  armed_for_.reset();
  work_.reset();
  run_due();
}

void real_scheduler::post_batch() {
  boost::asio::post(executor_, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.expired()) {
      in_batch_ = false;
      if (!stopped_) {
        run_due();
      }
    }
  });
}

void real_scheduler::run_due() {
  const timestamp now = clock_.now();
  // A bounded batch per turn: a task that is behind (and schedules its next one in the past) must
  // not starve the handlers it feeds. Tasks scheduled meanwhile arm once, below.
  constexpr int max_batch = 64;
  in_batch_ = true;
  {
    bus::drain_scope scope(scope_executor_);
    for (int n = 0; n < max_batch && !stopped_ && !tasks_.empty() && tasks_.next_at() <= now; ++n) {
      const std::function<void()> task = tasks_.pop();
      task();
    }
    scope.run_continuations();
  }
  if (stopped_) {
    in_batch_ = false;
    return;
  }
  if (!tasks_.empty() && tasks_.next_at() <= clock_.now() + spin_window) {
    // Behind, or the next task is nearly due: the next batch is posted, behind the handlers already
    // waiting, and runs what is due by then.
    armed_for_.reset();
    post_batch();
    work_.reset();
    return;
  }
  in_batch_ = false;
  arm();
}

} // namespace minibroker
