#pragma once
// Internal: one institution's attached session: where its execution reports go.

#include <atomic>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution/blocking.hpp>
#include <boost/asio/require.hpp>

#include "minibroker/bus/continuation.hpp"
#include "minibroker/exchange/detail/handoff_queue.hpp"
#include "minibroker/gateway/order_gateway.hpp"

namespace minibroker::exchange_detail {

// Shared by the orders API (which flips `active` at once on detach, from any thread), the
// processor's session table, and the drains posted to the listener's executor, which call the
// listener only while `active` holds: after detach() returns, the listener hears nothing more.
// Reports wait in `reports` for one drain per burst.
struct session {
  // locking false: the exchange and the listener on one thread (no lock in the hand-off).
  session(report_listener& l, const boost::asio::any_io_executor& e, bool locking = true)
      : listener(&l), executor(boost::asio::require(e, boost::asio::execution::blocking.never)), reports(locking) {}

  // On the exchange's executor. When the listener's executor is that one too (a drain scope is
  // open for it), the reports go as the scope's continuation; otherwise by a post().
  static void send(const std::shared_ptr<session>& s, const traced_report& report) {
    if (!s->reports.push(report)) {
      return; // a drain is pending
    }
    if (bus::drain_scope::open_for(s->executor)) {
      bus::drain_scope::defer({&session::drain_continuation, s.get(), s});
      return;
    }
    s->executor.execute([s] { s->drain_in_scope(); }); // a post(), with the executor required once
  }

  // On the listener's executor. A bus::drain_scope: bus queues on that executor the listener
  // publishes to (the broker's reports for its frontends) are drained right after it.
  void drain_in_scope() {
    bus::drain_scope scope(executor);
    drain();
    scope.run_continuations();
  }

  static void drain_continuation(void* self) { static_cast<session*>(self)->drain(); }

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
  boost::asio::any_io_executor executor; // never blocking
  std::atomic<bool> active{true};
  handoff_queue<traced_report> reports;
};

} // namespace minibroker::exchange_detail
