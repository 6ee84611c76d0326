#pragma once
// Internal: one institution's attached session: where its execution reports go.

#include <atomic>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "minibroker/bus/continuation.hpp"
#include "minibroker/exchange/detail/handoff_queue.hpp"
#include "minibroker/gateway/order_gateway.hpp"

namespace minibroker::exchange_detail {

// Shared by the orders API (which flips `active` at once on detach, from any thread), the
// processor's session table, and the drains posted to the listener's executor, which call the
// listener only while `active` holds: after detach() returns, the listener hears nothing more.
// Reports wait in `reports` for one drain per burst.
//
// Lifetime: a drain deferred to the running drain scope holds no reference to the session (one
// would cost a locked increment and decrement per burst). The processor, which holds the session,
// drops it only in a detach or attach call handled after that drain (continuations run in order),
// and hands it to bus::drain_scope::keep_until_closed besides. A drain that is posted takes a
// reference (acquire).
struct session : std::enable_shared_from_this<session> {
  // locking false: the exchange and the listener on one thread (no lock in the hand-off).
  session(report_listener& l, const boost::asio::any_io_executor& e, bool locking = true)
      : listener(&l), executor(e), reports(locking) {}

  // On the exchange's executor. When the listener's executor is that one too (a drain scope is
  // open for it), the reports go as the scope's continuation; otherwise by a post().
  static void send(session& s, const traced_report& report) {
    if (s.reports.push(report)) {
      bus::drain_scope::run_soon(s.executor, {&session::drain_continuation, &s, {}, &session::acquire});
    } // else a drain is pending
  }

  // On the listener's executor, in a bus::drain_scope: bus queues on that executor the listener
  // publishes to (the broker's reports for its frontends) are drained right after it.
  static void drain_continuation(void* self) { static_cast<session*>(self)->drain(); }
  static std::shared_ptr<void> acquire(void* self) { return static_cast<session*>(self)->shared_from_this(); }

  void drain() {
    reports.drain([this](const traced_report& report) {
      if (!active.load(std::memory_order_acquire)) {
        return false;
      }
      listener->on_report(report);
      return true;
    });
  }

  report_listener* listener;
  bus::scope_executor executor;
  std::atomic<bool> active{true};
  handoff_queue<traced_report> reports;
};

} // namespace minibroker::exchange_detail
