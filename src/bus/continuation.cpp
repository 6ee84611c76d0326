#include "minibroker/bus/continuation.hpp"

#include <utility>
#include <vector>

#include <boost/asio/execution/blocking.hpp>
#include <boost/asio/require.hpp>

#include "minibroker/core/assert.hpp"

namespace minibroker::bus {
namespace detail {
constinit thread_local const boost::asio::any_io_executor* scope_executor = nullptr;
constinit thread_local std::size_t scope_deferred = 0;
} // namespace detail

namespace {

// The innermost scope's continuations, in order. The vector keeps its capacity from one scope to
// the next, so deferring allocates nothing in steady state.
thread_local std::vector<drain_scope::continuation> pending;

// A nested scope (a drain run from inside another, e.g. by a handler that polls its io_context)
// sets the enclosing scope's continuations aside until it closes.
thread_local std::vector<std::vector<drain_scope::continuation>> set_aside_lists;

} // namespace

void drain_scope::set_aside() noexcept {
  set_aside_lists.push_back(std::move(pending));
  pending = {};
}

void drain_scope::restore() noexcept {
  pending = std::move(set_aside_lists.back());
  set_aside_lists.pop_back();
}

void drain_scope::run_deferred() {
  // Continuations may defer more: the vector grows (and may move) while one runs, so each is
  // moved out before it runs.
  while (next_ < pending.size() && next_ < max_continuations) {
    continuation c = std::move(pending[next_]);
    ++next_;
    c.run(c.target);
  }
  post_rest();
}

void drain_scope::post_rest() noexcept {
  // Each one later opens a scope of its own, with a fresh bound.
  for (; next_ < pending.size(); ++next_) {
    executor_.execute([executor = executor_, c = std::move(pending[next_])]() mutable {
      drain_scope scope(executor);
      c.run(c.target);
      scope.run_continuations();
    });
  }
  pending.clear();
  detail::scope_deferred = 0;
  next_ = 0;
}

void drain_scope::defer(continuation&& c) {
  MINIBROKER_ASSERT(detail::scope_executor != nullptr);
  pending.push_back(std::move(c));
  ++detail::scope_deferred;
}

boost::asio::any_io_executor drain_scope::never_blocking(const boost::asio::any_io_executor& executor) {
  return boost::asio::require(executor, boost::asio::execution::blocking.never);
}

} // namespace minibroker::bus
