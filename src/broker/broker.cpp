#include "minibroker/broker/broker.hpp"

#include <stdexcept>

#include <boost/asio/strand.hpp>
#include <boost/system/system_error.hpp>

namespace minibroker {

namespace {

template <typename T>
T must(boost::system::result<T> r, const char* what) {
  if (!r) {
    throw boost::system::system_error(r.error(), what);
  }
  return *r;
}

void must(const boost::system::result<void>& r, const char* what) {
  if (!r) {
    throw boost::system::system_error(r.error(), what);
  }
}

} // namespace

broker::broker(boost::asio::io_context& io, const clock& clock, market_data_feed& feed, order_gateway& gateway,
               broker_config config)
    : broker(boost::asio::make_strand(io), clock, feed, gateway, std::move(config)) {}

broker::broker(const boost::asio::any_io_executor& executor, const clock& clock, market_data_feed& feed,
               order_gateway& gateway, broker_config config)
    : config_(checked(std::move(config), gateway)), executor_(executor), feed_(feed),
      bus_(std::make_unique<bus::in_memory_bus>(
          clock, bus::in_memory_bus_config{.log = config_.log, .single_threaded = config_.single_threaded})),
      topology_(declare(*bus_, config_)), consumer_(clock, config_.instruments_retention, config_.quotes_retention),
      connector_(*bus_, topology_.market_data),
      handler_(clock, config_.institution, consumer_.instruments(), orders_, *bus_, topology_.orders, config_.log),
      order_connector_(clock, gateway, orders_, *bus_, topology_.orders, config_.log) {}

broker::~broker() {
  if (running_) {
    feed_.unsubscribe(connector_);
  }
}

broker_config broker::checked(broker_config config, const order_gateway& gateway) {
  if (config.institution != gateway.institution()) {
    throw std::invalid_argument("broker: the config's institution is not the order gateway's");
  }
  if (config.order_queue.overflow != bus::overflow_policy::reject_publish) {
    throw std::invalid_argument("broker: the order queue must refuse when full (overflow_policy::reject_publish)");
  }
  return config;
}

broker::topology broker::declare(bus::bus& bus, const broker_config& config) {
  namespace names = broker_names;
  topology t;
  t.market_data = must(bus.declare_topic(names::market_data_topic), "broker: declare MARKET_DATA_TOPIC");
  t.orders = must(bus.declare_topic(names::order_topic), "broker: declare BROKER_ORDER_TOPIC");
  t.instruments = must(bus.declare_queue<instrument>(names::instruments_queue, config.market_data_queues),
                       "broker: declare INSTRUMENTS_QUEUE");
  t.quotes =
      must(bus.declare_queue<quote>(names::quotes_queue, config.market_data_queues), "broker: declare QUOTES_QUEUE");
  t.created = must(bus.declare_queue<traced_request>(names::order_created_queue, config.order_queue),
                   "broker: declare BROKER_ORDER_CREATED_QUEUE");
  must(bus.bind(t.instruments, t.market_data, names::instrument_updated_key), "broker: bind INSTRUMENTS_QUEUE");
  must(bus.bind(t.quotes, t.market_data, names::quote_updated_key), "broker: bind QUOTES_QUEUE");
  for (std::string_view key : {names::order_new_key, names::order_cancel_key, names::order_replace_key}) {
    must(bus.bind(t.created, t.orders, key), "broker: bind BROKER_ORDER_CREATED_QUEUE");
  }
  return t;
}

void broker::start() {
  if (running_) {
    return;
  }
  if (!started_) {
    must(consumer_.start(*bus_, topology_.instruments, topology_.quotes, executor_),
         "broker: subscribe the market data consumer");
    must(order_connector_.start(topology_.created, executor_), "broker: subscribe the order connector");
    started_ = true;
  }
  feed_.subscribe(connector_, executor_);
  running_ = true;
  config_.log.info("broker {} (institution {}): started", config_.name, config_.institution);
}

void broker::stop() {
  if (!running_) {
    return;
  }
  feed_.unsubscribe(connector_);
  running_ = false;
  config_.log.info("broker {} (institution {}): stopped", config_.name, config_.institution);
}

boost::system::result<bus::queue_ref<traced_report>>
broker::declare_report_queue(std::string_view name, const bus::queue_options& options, std::string_view binding_key) {
  auto queue = bus_->declare_queue<traced_report>(name, options);
  if (!queue) {
    return queue;
  }
  auto bound = bus_->bind(*queue, topology_.orders, binding_key);
  if (!bound) {
    return bound.error();
  }
  return queue;
}

broker_stats broker::stats() const {
  broker_stats s;
  s.market_data = connector_.stats();
  s.market_data_stored = consumer_.stats();
  s.instruments_timetable = consumer_.instruments_history().stats();
  s.quotes_timetable = consumer_.quotes_history().stats();
  s.requests = handler_.stats();
  s.exchange = order_connector_.stats();
  s.orders = orders_.stats();
  s.bus = bus_->stats();
  return s;
}

} // namespace minibroker
