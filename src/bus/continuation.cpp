#include "minibroker/bus/continuation.hpp"

#include <new>
#include <utility>

#include <boost/asio/execution/blocking.hpp>
#include <boost/asio/require.hpp>

#include "minibroker/core/assert.hpp"

namespace minibroker::bus {
namespace detail {
constinit thread_local drain_scope* current_scope = nullptr;
} // namespace detail

drain_scope::continuation drain_scope::take(std::size_t index) noexcept {
  if (index < inline_slots) {
    auto* slot = std::launder(reinterpret_cast<continuation*>(inline_ + index * sizeof(continuation)));
    continuation c = std::move(*slot);
    slot->~continuation();
    return c;
  }
  return std::move(overflow_[index - inline_slots]); // the moved-from one goes with clear()
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
    executor_.execute([executor = executor_, c = take(next_++)]() mutable {
      drain_scope scope(executor);
      c.run(c.target);
      scope.run_continuations();
    });
  }
  overflow_.clear();
  count_ = 0;
  next_ = 0;
}

void drain_scope::defer(continuation&& c) {
  drain_scope* s = detail::current_scope;
  MINIBROKER_ASSERT(s != nullptr);
  if (s->count_ < inline_slots) {
    ::new (s->inline_ + s->count_ * sizeof(continuation)) continuation(std::move(c));
  } else {
    s->overflow_.push_back(std::move(c));
  }
  ++s->count_;
}

boost::asio::any_io_executor drain_scope::never_blocking(const boost::asio::any_io_executor& executor) {
  return boost::asio::require(executor, boost::asio::execution::blocking.never);
}

} // namespace minibroker::bus
