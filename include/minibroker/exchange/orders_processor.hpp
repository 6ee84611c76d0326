#pragma once
// OrdersProcessor: the exchange's front door and its way back.
//
// Requests (from the orders API, on the exchange's strand), in order:
//   1. counted, stamped trace.exchange_received;
//   2. the institution must be a member, and the one the session speaks for: otherwise
//      unknown_institution, reported back to the requesting session if it has one;
//   3. a new order's (institution, client order id) must be new to the OrdersStorage: otherwise
//      duplicate_client_order_id, reported back at once. The exchange never accepts a client order
//      id twice from an institution, even after a reject (stricter than one matcher alone, and the
//      same across matcher shards);
//   4. a cancel or replace without an instrument (id 0) gets the order's instrument from the
//      storage, so it reaches the right shard;
//   5. published as "order.created" on EXCHANGE_ORDER_TOPIC. When the bus refuses it (the created
//      queue is full) the institution gets a reject with reason queue_full: back-pressure, counted,
//      never a silent loss. Only a forwarded new order enters the storage (pending_new), so a
//      refused client order id may be sent again.
// A door reject of a cancel or replace for an order the storage knows carries the order's current
// state (status unchanged), like the matcher's own rejects, so the client's view stays right.
// Door rejects never enter the storage: the request did not become an order.
//
// Reports (the EXCHANGE_ORDER_PROCESSOR_QUEUE consumer, on the exchange's strand): upserted into
// the OrdersStorage when it knows the order (rejects of cancels or replaces for unknown orders are
// only counted), then posted to the owning institution's session. Without a session they are
// counted as undelivered (the storage still has them).
//
// Thread safety: every member on the exchange's strand (connect() at set-up).

#include <memory>
#include <optional>

#include <boost/unordered/unordered_flat_map.hpp>

#include "minibroker/bus/bus.hpp"
#include "minibroker/core/clock.hpp"
#include "minibroker/core/log.hpp"
#include "minibroker/exchange/detail/counters.hpp"
#include "minibroker/exchange/detail/session.hpp"
#include "minibroker/gateway/order_trace.hpp"
#include "minibroker/store/orders_storage.hpp"

namespace minibroker {

class orders_processor {
public:
  orders_processor(const clock& clock, orders_storage& storage, exchange_detail::exchange_counters& counters,
                   logger log);

  // Set-up: where "order.created" goes. Until then every request is refused (queue_full).
  void connect(bus::bus& bus, bus::topic_ref order_topic) noexcept;

  // A request from `session` (the institution the caller speaks for), or from whoever the request
  // names when nullopt.
  void on_request(const traced_request& request, std::optional<institution_id> session);
  // The EXCHANGE_ORDER_PROCESSOR_QUEUE consumer.
  void on_report(bus::message<traced_report>& message);

  // Sessions: one per institution; attaching again replaces the previous one.
  void attach(institution_id institution, std::shared_ptr<exchange_detail::session> session);
  // Removes `session` if it is still the institution's.
  void detach(institution_id institution, const std::shared_ptr<exchange_detail::session>& session);

private:
  void reject(const traced_request& request, reject_reason reason, institution_id to);
  void deliver(institution_id to, const traced_report& report);

  const clock& clock_;
  orders_storage& storage_;
  exchange_detail::exchange_counters& counters_;
  logger log_;
  bus::bus* bus_ = nullptr;
  bus::topic_ref topic_;
  // A session with its institution's counters, looked up once when it attaches.
  struct attached {
    std::shared_ptr<exchange_detail::session> session;
    exchange_detail::institution_counters* counters = nullptr; // nullptr for a non-member
  };
  boost::unordered_flat_map<institution_id, attached, std::hash<institution_id>> sessions_;
};

} // namespace minibroker
