#pragma once
// Continuations: a drain that makes more work due on the executor it runs on runs that work right
// after itself, instead of through the executor's queue.
//
// A consumer's drain (a bus queue's, a hand-off's) runs in a drain_scope for its executor. Work
// made due with run_soon() on the same executor (the drain of a queue this drain's handlers
// published to, a hand-off they pushed to) is deferred to the scope instead of posted, and
// runs when the drain that opened the scope has finished (run_continuations), in the order it was
// deferred, with the scope still open (so its own follow-up work is deferred the same way). One
// Asio operation then carries a whole burst of hops, where each hop cost one before.
//
// What stays as it was: the deferred work never runs inside the call that deferred it (a publish
// still returns before any handler it makes due runs, and no handler is re-entered); it runs on
// the same executor, in the same thread, still inside the strand's turn when the executor is a
// strand; each queue's own order is untouched. What changes: deferred work runs before work
// other parties queued on the executor meanwhile, as if it had been queued at the front. The scope
// bounds that: after max_continuations it posts the rest, in order, so other work gets its turn.
//
// Thread safety: a scope belongs to the thread that opened it (the state is thread-local).

#include <cstddef>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "minibroker/core/assert.hpp"

namespace minibroker::bus {

class drain_scope;

// An executor as drain scopes compare it: required never-blocking once (so executing on it is a
// post), with the io_context it runs on when it is one of an io_context's own executors (tracking
// work or not), which makes the common comparison a pointer compare instead of any_io_executor's
// typed one. Any other executor (a strand) compares with any_io_executor's equality.
class scope_executor {
public:
  scope_executor() = default;
  scope_executor(const boost::asio::any_io_executor& executor); // NOLINT(google-explicit-constructor): a view of it

  [[nodiscard]] const boost::asio::any_io_executor& get() const noexcept { return executor_; }

  // Equal when work on one may run as work on the other: the same io_context, or equal executors.
  friend bool operator==(const scope_executor& a, const scope_executor& b) noexcept {
    if (a.context_ != nullptr && b.context_ != nullptr) {
      return a.context_ == b.context_;
    }
    return a.executor_ == b.executor_;
  }

private:
  boost::asio::any_io_executor executor_;
  const void* context_ = nullptr; // the io_context, for one of its own executors
};

namespace detail {
// The calling thread's innermost open scope, nullptr outside any. Constant-initialised, so
// reading it costs no TLS wrapper call.
extern constinit thread_local drain_scope* current_scope;
} // namespace detail

class drain_scope {
public:
  // Work deferred to the scope: run(target). keep holds target alive meanwhile; it may be empty
  // when target outlives the scope (see keep_until_closed). Work the scope posts (past
  // max_continuations) is kept alive by keep, or else by acquire(target) when given.
  struct continuation {
    void (*run)(void* target) = nullptr;
    void* target = nullptr;
    std::shared_ptr<void> keep;
    std::shared_ptr<void> (*acquire)(void* target) = nullptr;
  };

  // Continuations one scope runs before it posts the rest.
  static constexpr std::size_t max_continuations = 64;

  // Opens a scope for work running now, in this thread, on executor, which must outlive it.
  explicit drain_scope(const scope_executor& executor) noexcept
      : executor_(executor), enclosing_(detail::current_scope) {
    detail::current_scope = this;
  }
  explicit drain_scope(scope_executor&&) = delete; // a temporary would not outlive the scope
  // Posts whatever was deferred and not run (when a continuation threw), then closes the scope.
  ~drain_scope() {
    if (next_ != count_) {
      post_rest();
    }
    detail::current_scope = enclosing_;
  }
  drain_scope(const drain_scope&) = delete;
  drain_scope& operator=(const drain_scope&) = delete;

  // Runs the deferred continuations, including those they defer, in order; past
  // max_continuations, posts the rest to the executor. Call once, when the opener's work is done.
  void run_continuations() {
    if (count_ != 0) {
      run_deferred();
    }
  }

  // Runs c soon on executor: as a continuation of the calling thread's innermost scope when that
  // is on executor, otherwise posted there (post()).
  static void run_soon(const scope_executor& executor, continuation&& c) {
    if (open_for(executor)) {
      defer(std::move(c));
    } else {
      post(executor, std::move(c));
    }
  }
  // Posts c to executor, to run in a scope of its own. c is kept alive by keep, or acquire's.
  static void post(const scope_executor& executor, continuation&& c);

  // True when the calling thread's innermost scope is on executor: then defer() queues work
  // there.
  [[nodiscard]] static bool open_for(const scope_executor& executor) noexcept {
    const drain_scope* running = detail::current_scope;
    return running != nullptr && running->executor_ == executor;
  }
  // Queues c in the calling thread's innermost scope (open_for must have said yes).
  static void defer(continuation&& c) {
    drain_scope* s = detail::current_scope;
    MINIBROKER_ASSERT(s != nullptr);
    if (s->count_ < inline_slots) [[likely]] {
      ::new (s->inline_ + s->count_ * sizeof(continuation)) continuation(std::move(c));
    } else {
      s->overflow_.push_back(std::move(c));
    }
    ++s->count_;
  }

  // Holds object until the calling thread's outermost open scope has closed (object is released
  // at once when no scope is open). For an owner destroyed inside a scope, of targets that defer
  // without keep: they stay alive for the continuations and the running work that use them.
  static void keep_until_closed(std::shared_ptr<void> object);

private:
  // The first few continuations live in the scope itself (no allocation, no thread-local
  // container); the rest in overflow_.
  static constexpr std::size_t inline_slots = 8;

  continuation& at(std::size_t index) noexcept;
  continuation take(std::size_t index) noexcept; // moves continuation `index` out
  void run_deferred();
  void post_rest() noexcept; // posts the continuations not run and empties the list

  const scope_executor& executor_;
  drain_scope* enclosing_;
  std::size_t count_ = 0; // deferred so far
  std::size_t next_ = 0;  // taken (run or posted) so far
  alignas(continuation) std::byte inline_[inline_slots * sizeof(continuation)];
  std::vector<continuation> overflow_;
  std::vector<std::shared_ptr<void>> kept_; // keep_until_closed's, released after post_rest
};

} // namespace minibroker::bus
