#pragma once
// Continuations: a drain that makes more work due on the executor it runs on runs that work right
// after itself, instead of through the executor's queue.
//
// A consumer's drain (a bus queue's, a hand-off's) opens a drain_scope for its executor while it
// runs. Inside it, work that would be posted to the same executor (the drain of a queue this
// drain's handlers published to, a hand-off they pushed to) is deferred to the scope instead, and
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

#include <boost/asio/any_io_executor.hpp>

namespace minibroker::bus {

namespace detail {
// The calling thread's innermost open scope: its executor (nullptr outside any scope) and how many
// continuations it holds. Constant-initialised, so reading them costs no TLS wrapper call.
extern constinit thread_local const boost::asio::any_io_executor* scope_executor;
extern constinit thread_local std::size_t scope_deferred;
} // namespace detail

class drain_scope {
public:
  // Work deferred to the scope: run(target); keep holds target alive meanwhile (may be empty).
  struct continuation {
    void (*run)(void* target) = nullptr;
    void* target = nullptr;
    std::shared_ptr<void> keep;
  };

  // Continuations one scope runs before it posts the rest.
  static constexpr std::size_t max_continuations = 64;

  // Opens a scope for work running now, in this thread, on executor. The executor is compared to
  // the ones work is deferred to (any_io_executor equality): pass the same never-blocking form
  // the deferring side holds (see never_blocking). It must outlive the scope.
  explicit drain_scope(const boost::asio::any_io_executor& executor) noexcept
      : executor_(executor), enclosing_(detail::scope_executor), enclosing_deferred_(detail::scope_deferred) {
    if (enclosing_deferred_ != 0) {
      set_aside();
    }
    detail::scope_executor = &executor_;
    detail::scope_deferred = 0;
  }
  // Posts whatever was deferred and not run (when a continuation threw), then closes the scope.
  ~drain_scope() {
    if (detail::scope_deferred != 0) {
      post_rest();
    }
    detail::scope_executor = enclosing_;
    detail::scope_deferred = enclosing_deferred_;
    if (enclosing_deferred_ != 0) {
      restore();
    }
  }
  drain_scope(const drain_scope&) = delete;
  drain_scope& operator=(const drain_scope&) = delete;

  // Runs the deferred continuations, including those they defer, in order; past
  // max_continuations, posts the rest to the executor. Call once, when the opener's work is done.
  void run_continuations() {
    if (detail::scope_deferred != 0) {
      run_deferred();
    }
  }

  // True when the calling thread is inside a scope on executor: then defer() queues work there;
  // otherwise the caller posts as usual.
  [[nodiscard]] static bool open_for(const boost::asio::any_io_executor& executor) noexcept {
    const boost::asio::any_io_executor* running = detail::scope_executor;
    return running != nullptr && (running == &executor || *running == executor);
  }
  // Queues c in the calling thread's innermost scope (open_for must have said yes).
  static void defer(continuation&& c);

  // The form of an executor that scopes and defer() compare: required never-blocking, once.
  [[nodiscard]] static boost::asio::any_io_executor never_blocking(const boost::asio::any_io_executor& executor);

private:
  void run_deferred();
  void post_rest() noexcept; // posts the continuations not run and empties the list
  static void set_aside() noexcept;
  static void restore() noexcept;

  const boost::asio::any_io_executor& executor_;
  const boost::asio::any_io_executor* enclosing_;
  std::size_t enclosing_deferred_;
  std::size_t next_ = 0;
};

} // namespace minibroker::bus
