#pragma once
// order_handler: where frontends hand the broker their requests.
//
// submit() stamps the trace (broker_received, and frontend_sent when the frontend left it zero)
// and checks the request against what the broker knows, in the same order the exchange's
// matcher does, so a request gets the same reason wherever it is refused:
//   any request:   institution other than the broker's       -> unknown_institution
//                  instrument not in the instruments cache    -> unknown_instrument
//   new order:     instrument halted                          -> instrument_halted
//                  quantity <= 0                              -> invalid_quantity
//                  quantity not a multiple of the lot size    -> quantity_not_lot_multiple
//                  market order with a price                  -> price_on_market_order
//                  limit order without a price, or <= 0       -> invalid_price
//                  client order id already in the order store -> duplicate_client_order_id
//   cancel:        order unknown, finished, or on another instrument -> unknown_order
//   replace:       instrument halted -> instrument_halted; neither price nor quantity ->
//                  nothing_to_replace; quantity <= 0 / not whole lots -> invalid_quantity /
//                  quantity_not_lot_multiple; price <= 0 -> invalid_price; order unknown,
//                  finished or on another instrument -> unknown_order
// Prices arrive here as integer ticks, so "off tick" cannot happen in process: the text edges
// (order files, JSON) refuse an off-tick decimal (price_not_on_tick) when they convert it.
//
// A request refused here never reaches the exchange: the frontend gets an execution report
// (exec type rejected, the reason, sequence 0) published on BROKER_ORDER_TOPIC as a
// traced_report with "order.report.<status>". Its status is rejected, except for a refused
// cancel or replace of a live order, which reports the order's own (unchanged) status, as the
// exchange does. Refused requests are not recorded in the order store.
//
// An accepted request is published (payload traced_request) on BROKER_ORDER_TOPIC with
// "order.new", "order.cancel" or "order.replace" into BROKER_ORDER_CREATED_QUEUE, and a new order
// is recorded in the order store as pending_new. When that queue is full (or, misconfigured,
// missing) the request is refused with queue_full instead: back-pressure, never a silent loss.
//
// Thread safety: none inside. Call submit() on the broker's executor (broker::executor()).
// Steady state allocates nothing per request except the order store's record of a new order.

#include "minibroker/broker/stats.hpp"
#include "minibroker/bus/bus.hpp"
#include "minibroker/core/clock.hpp"
#include "minibroker/core/log.hpp"
#include "minibroker/gateway/order_trace.hpp"
#include "minibroker/store/market_data_cache.hpp"
#include "minibroker/store/orders_storage.hpp"

namespace minibroker {

class order_handler {
public:
  // Everything referenced must outlive the handler. topic is BROKER_ORDER_TOPIC on bus.
  order_handler(const clock& clock, institution_id institution, const instruments_cache& instruments,
                orders_storage& orders, bus::bus& bus, bus::topic_ref topic, logger log);

  void submit(order_request request, order_trace trace = {});

  [[nodiscard]] institution_id institution() const noexcept { return institution_; }
  [[nodiscard]] const order_handler_stats& stats() const noexcept { return stats_; }

private:
  [[nodiscard]] reject_reason check_tradable(institution_id institution, instrument_id id,
                                             const instrument*& definition) const noexcept;
  template <typename Request>
  [[nodiscard]] bool names_live_order(const Request& r) const noexcept;
  [[nodiscard]] reject_reason check(const new_order_request& r) const noexcept;
  [[nodiscard]] reject_reason check(const cancel_request& r) const noexcept;
  [[nodiscard]] reject_reason check(const replace_request& r) const noexcept;
  void reject(const order_request& request, const order_trace& trace, reject_reason reason, timestamp now);

  const clock& clock_;
  institution_id institution_;
  const instruments_cache& instruments_;
  orders_storage& orders_;
  bus::bus& bus_;
  bus::topic_ref topic_;
  logger log_;
  order_handler_stats stats_;
};

} // namespace minibroker
