#pragma once
// order_connector: the broker's end of the order gateway.
//
// Outbound, it consumes BROKER_ORDER_CREATED_QUEUE and hands each request to the gateway.
// Inbound, it is the gateway's report_listener: each execution report gets trace.report_received
// from the clock, updates the broker's order store, and is published on BROKER_ORDER_TOPIC with
// "order.report.<status>" (payload traced_report) for the frontends' queues.
//
// Store rules on top of orders_storage's (stale and duplicate reports are ignored there):
// a reject that arrives for an order the store holds as anything but pending_new is the reject
// of a cancel or replace (a duplicate new order never leaves the handler), so it leaves the
// order as it is (counted as kept) but still goes to the frontends. Without this rule an
// unknown_order reject of a cancel that crossed a fill would turn a filled order into a rejected
// one. A report for another institution is counted, logged and dropped: it is not ours to store
// or to show.
//
// Thread safety: none inside. The subscription and the gateway's listener both run on the
// broker's executor given to start().

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>

#include "minibroker/broker/stats.hpp"
#include "minibroker/bus/bus.hpp"
#include "minibroker/core/clock.hpp"
#include "minibroker/core/log.hpp"
#include "minibroker/gateway/order_gateway.hpp"
#include "minibroker/store/orders_storage.hpp"

namespace minibroker {

class order_connector final : public report_listener {
public:
  // Everything referenced must outlive the connector. topic is BROKER_ORDER_TOPIC on bus.
  order_connector(const clock& clock, order_gateway& gateway, orders_storage& orders, bus::bus& bus,
                  bus::topic_ref topic, logger log);

  // Sets itself as the gateway's listener and subscribes to the queue of requests, both on
  // executor. Call once.
  boost::system::result<void> start(const bus::queue_ref<traced_request>& requests,
                                    const boost::asio::any_io_executor& executor);

  void on_report(const traced_report& report) override;

  [[nodiscard]] const order_connector_stats& stats() const noexcept { return stats_; }

private:
  void send(const traced_request& request);
  void apply(const execution_report& report);

  const clock& clock_;
  order_gateway& gateway_;
  orders_storage& orders_;
  bus::bus& bus_;
  bus::topic_ref topic_;
  logger log_;
  order_connector_stats stats_;
};

} // namespace minibroker
