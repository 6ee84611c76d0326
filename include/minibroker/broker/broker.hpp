#pragma once
// broker: one institution's broker, wired on its own in-memory bus.
//
//   feed --> market_data_connector --"instrument.updated"/"quote.updated"--> MARKET_DATA_TOPIC
//        --> INSTRUMENTS_QUEUE, QUOTES_QUEUE --> market_data_consumer --> caches and timetables
//   frontend --> order_handler --"order.new"/"order.cancel"/"order.replace"--> BROKER_ORDER_TOPIC
//        --> BROKER_ORDER_CREATED_QUEUE --> order_connector --> order gateway --> exchange
//   gateway reports --> order_connector --> order store, and
//        --"order.report.<status>"--> BROKER_ORDER_TOPIC --> frontends' queues
//
// Several brokers (institutions) may share one exchange: each has its own bus, store and
// gateway connection, so none sees another's orders or reports.
//
// Frontends. Submit requests with handler().submit(request, trace) on executor(). To receive
// the reports, declare a queue on the broker's bus bound to "order.report.#" on
// BROKER_ORDER_TOPIC, or let declare_report_queue() do it, then subscribe:
//
//   auto reports = broker.declare_report_queue("MY_FRONTEND_REPORTS").value();
//   broker.bus().subscribe(reports, broker.executor(),
//                          [](bus::message<traced_report>& m) { /* m.header.routing_key, m.payload */ });
//
// A narrower binding ("order.report.filled", "order.report.*") takes only some reports. Queues
// can be declared before start(), so a frontend misses nothing. The keys "order.new",
// "order.cancel" and "order.replace" belong to BROKER_ORDER_CREATED_QUEUE: a queue of another
// frontend that is bound to them and full makes the handler refuse requests (queue_full).
//
// Lifecycle. The constructor declares the topology (throws boost::system::system_error if the
// bus refuses, a start-up error) and checks the config (throws std::invalid_argument). start()
// subscribes the consumers, subscribes to the feed and becomes the gateway's listener. stop()
// unsubscribes from the feed; requests already queued still go out and reports still come in.
//
// Thread safety: every member on executor(), which is serial (a strand of the io_context, or
// the executor given, which must be a strand or a one-thread io_context's). bus().stats() from
// any thread. Lifetime: the io_context, clock, feed and gateway must outlive the broker; before
// destroying it, stop() it and let its executor run out of work (queued handlers refer to it),
// and make sure the gateway will not deliver to it again.

#include <memory>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/result.hpp>

#include "minibroker/broker/config.hpp"
#include "minibroker/broker/market_data_connector.hpp"
#include "minibroker/broker/market_data_consumer.hpp"
#include "minibroker/broker/order_connector.hpp"
#include "minibroker/broker/order_handler.hpp"
#include "minibroker/broker/report_keys.hpp"
#include "minibroker/broker/stats.hpp"
#include "minibroker/broker/topology.hpp"
#include "minibroker/bus/in_memory_bus.hpp"
#include "minibroker/gateway/market_data_feed.hpp"
#include "minibroker/gateway/order_gateway.hpp"
#include "minibroker/store/orders_storage.hpp"

namespace minibroker {

class broker {
public:
  // Runs on a new strand of io.
  broker(boost::asio::io_context& io, const clock& clock, market_data_feed& feed, order_gateway& gateway,
         broker_config config);
  // Runs on executor, which must be serial (see above).
  broker(const boost::asio::any_io_executor& executor, const clock& clock, market_data_feed& feed,
         order_gateway& gateway, broker_config config);
  broker(const broker&) = delete;
  broker& operator=(const broker&) = delete;
  ~broker();

  void start(); // throws boost::system::system_error if a subscription fails
  void stop();
  [[nodiscard]] bool running() const noexcept { return running_; }

  // A frontend's queue of reports on the broker's bus, bound to BROKER_ORDER_TOPIC with
  // binding_key. Idempotent with the same options.
  boost::system::result<bus::queue_ref<traced_report>>
  declare_report_queue(std::string_view name, const bus::queue_options& options = {},
                       std::string_view binding_key = broker_names::order_report_binding);

  [[nodiscard]] institution_id institution() const noexcept { return config_.institution; }
  [[nodiscard]] const broker_config& config() const noexcept { return config_; }
  [[nodiscard]] const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
  [[nodiscard]] bus::bus& bus() noexcept { return *bus_; }
  [[nodiscard]] order_handler& handler() noexcept { return handler_; }

  // The broker's view of its orders, updated from the exchange's reports.
  [[nodiscard]] const orders_storage& orders() const noexcept { return orders_; }
  [[nodiscard]] const instruments_cache& instruments() const noexcept { return consumer_.instruments(); }
  [[nodiscard]] const quotes_cache& quotes() const noexcept { return consumer_.quotes(); }
  // Qualified: the accessors take the names of their types.
  [[nodiscard]] const minibroker::instruments_timetable& instruments_timetable() const noexcept {
    return consumer_.instruments_history();
  }
  [[nodiscard]] const minibroker::quotes_timetable& quotes_timetable() const noexcept {
    return consumer_.quotes_history();
  }

  [[nodiscard]] broker_stats stats() const;

private:
  struct topology {
    bus::topic_ref market_data;
    bus::topic_ref orders;
    bus::queue_ref<instrument> instruments;
    bus::queue_ref<quote> quotes;
    bus::queue_ref<traced_request> created;
  };
  static broker_config checked(broker_config config, const order_gateway& gateway);
  static topology declare(bus::bus& bus, const broker_config& config);

  broker_config config_;
  boost::asio::any_io_executor executor_;
  market_data_feed& feed_;
  // Declared before the components that publish on it and destroyed after them.
  std::unique_ptr<bus::in_memory_bus> bus_;
  topology topology_;
  orders_storage orders_;
  market_data_consumer consumer_;
  market_data_connector connector_;
  order_handler handler_;
  order_connector order_connector_;
  bool started_ = false;
  bool running_ = false;
};

} // namespace minibroker
