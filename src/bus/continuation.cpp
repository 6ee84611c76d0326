#include "minibroker/bus/continuation.hpp"

#include <new>
#include <utility>

#include <boost/asio/execution/blocking.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/require.hpp>

namespace minibroker::bus {
namespace detail {
constinit thread_local drain_scope* current_scope = nullptr;
} // namespace detail

drain_scope::continuation& drain_scope::at(std::size_t index) noexcept {
  if (index < inline_slots) {
    return *std::launder(reinterpret_cast<continuation*>(inline_ + index * sizeof(continuation)));
  }
  return overflow_[index - inline_slots];
}

drain_scope::continuation drain_scope::take(std::size_t index) noexcept {
  continuation& slot = at(index);
  continuation c = std::move(slot);
  if (index < inline_slots) {
    slot.~continuation();
  } // the moved-from one in overflow_ goes with clear()
  return c;
}

void drain_scope::run_deferred() {
  // Continuations may defer more (count_ grows meanwhile); each is taken out before it runs.
  while (next_ < count_ && next_ < max_continuations) {
    continuation c = take(next_++);
    c.run(c.target);
  }
  post_rest();
}

void drain_scope::post_rest() noexcept {
  // Each one later opens a scope of its own, with a fresh bound.
  while (next_ < count_) {
    post(executor_, take(next_++));
  }
  overflow_.clear();
  count_ = 0;
  next_ = 0;
}

void drain_scope::post(const scope_executor& executor, continuation&& c) {
  if (!c.keep && c.acquire != nullptr) {
    c.keep = c.acquire(c.target);
  }
  executor.get().execute([executor, c = std::move(c)]() mutable {
    drain_scope scope(executor);
    c.run(c.target);
    scope.run_continuations();
  });
}

void drain_scope::keep_until_closed(std::shared_ptr<void> object) {
  drain_scope* outermost = detail::current_scope;
  if (outermost == nullptr) {
    return;
  }
  while (outermost->enclosing_ != nullptr) {
    outermost = outermost->enclosing_;
  }
  outermost->kept_.push_back(std::move(object));
}

namespace {
// An io_context's executor that counts as outstanding work (a work guard's) is another type.
using tracked_io_executor = decltype(boost::asio::prefer(std::declval<boost::asio::io_context::executor_type>(),
                                                         boost::asio::execution::outstanding_work.tracked));
} // namespace

scope_executor::scope_executor(const boost::asio::any_io_executor& executor)
    : executor_(boost::asio::require(executor, boost::asio::execution::blocking.never)) {
  if (const auto* own = executor_.target<boost::asio::io_context::executor_type>()) {
    context_ = &own->context();
  } else if (const auto* tracked = executor_.target<tracked_io_executor>()) {
    context_ = &tracked->context();
  }
}

} // namespace minibroker::bus
