#pragma once
// OrdersApi: the entry point gateways call. Every call may come from any thread: it posts the
// work onto the exchange's strand, where the orders processor owns all order state.
//
// Sessions: attach() names where an institution's execution reports go (a listener and the
// executor to call it on); the processor posts each report there. detach() takes effect at once:
// when it returns, the listener will not be called again, even for reports already posted (call
// it from the listener's executor, where no callback is running).
//
// Thread safety: every member from any thread. attach/detach take a mutex (set-up calls, never on
// the request path); every call queues its work for the strand, one post per burst.
// The strand's drain of calls is a bus::drain_scope: bus queues on the strand that it makes due
// (order.created for the matcher) are drained right after it, in the same executor operation.
// A call made inside a drain scope on the exchange's executor itself (a broker that shares it, as
// the one-thread simulation's do) is drained as that scope's continuation: no post.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include "minibroker/bus/continuation.hpp"
#include "minibroker/exchange/detail/handoff_queue.hpp"
#include "minibroker/exchange/detail/session.hpp"
#include "minibroker/exchange/matcher_service.hpp"
#include "minibroker/exchange/orders_processor.hpp"
#include "minibroker/gateway/order_gateway.hpp"

namespace minibroker {

class orders_api {
public:
  // single_threaded: every call from the one thread that runs the executor (exchange_config): the
  // hand-offs of calls and reports take no lock.
  orders_api(exchange_executor strand, orders_processor& processor, bool single_threaded = false);

  // A request on behalf of the institution it names.
  void submit(const traced_request& request);
  // A request from a session that speaks for `session`: a request naming another institution is
  // rejected (unknown_institution) back to `session`. Used by the gateways.
  void submit(institution_id session, const traced_request& request);

  void attach(institution_id institution, report_listener& listener, const boost::asio::any_io_executor& executor);
  void detach(institution_id institution);

private:
  // Requests, attaches and detaches reach the processor in the order they were made.
  struct call {
    enum class kind : std::uint8_t { request, attach, detach };
    kind what;
    institution_id institution;                        // attach, detach
    std::optional<institution_id> speaks_for;          // request: the session it came from, if any
    traced_request request;                            // request
    std::shared_ptr<exchange_detail::session> session; // attach, detach
  };
  void enqueue(call c);
  static void drain_continuation(void* self);
  void drain_calls(); // on the strand
  bool run(call& c);  // on the strand

  // The exchange's executor (a strand, or the io_context's own on one thread). The drain of calls
  // runs in a bus::drain_scope for it, so the order.created it publishes is matched as the
  // drain's continuation.
  bus::scope_executor executor_;
  orders_processor& processor_;
  const bool single_threaded_;
  std::mutex mutex_;
  boost::unordered_flat_map<institution_id, std::shared_ptr<exchange_detail::session>, std::hash<institution_id>>
      sessions_;
  exchange_detail::handoff_queue<call> calls_;
};

} // namespace minibroker
