#include "minibroker/exchange/exchange.hpp"

#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>

#include <boost/asio/strand.hpp>
#include <fmt/format.h>

namespace minibroker {

namespace {

market_data_producer_config producer_config(const exchange_config& c) {
  return market_data_producer_config{c.seed, c.instruments, c.quotes_per_second, c.status_change_probability,
                                     c.log,  c.listed};
}

template <typename T>
T declared(boost::system::result<T> r, std::string_view what) {
  if (!r) {
    throw std::runtime_error(fmt::format("exchange: cannot declare {}: {}", what, r.error().message()));
  }
  return *r;
}

void declared(boost::system::result<void> r, std::string_view what) {
  if (!r) {
    throw std::runtime_error(fmt::format("exchange: cannot declare {}: {}", what, r.error().message()));
  }
}

} // namespace

exchange_config exchange::validated(exchange_config config) {
  if (config.matcher_shards == 0) {
    throw std::invalid_argument("exchange: matcher_shards must be at least 1");
  }
  if (config.single_threaded && config.matcher_shards != 1) {
    throw std::invalid_argument("exchange: single_threaded needs matcher_shards = 1");
  }
  std::unordered_set<institution_id> ids; // membership only
  for (const auto& i : config.institutions) {
    if (i.id == institution_id{}) {
      throw std::invalid_argument("exchange: institution id 0 is reserved");
    }
    if (!ids.insert(i.id).second) {
      throw std::invalid_argument(fmt::format("exchange: institution id {} appears twice", i.id));
    }
  }
  return config;
}

exchange::exchange(boost::asio::io_context& io, scheduler& sched, exchange_config config)
    : config_(validated(std::move(config))), counters_(config_.institutions, config_.single_threaded),
      bus_(sched.time(), bus::in_memory_bus_config{.log = config_.log, .single_threaded = config_.single_threaded}),
      strand_(config_.single_threaded ? exchange_executor(io.get_executor())
                                      : exchange_executor(boost::asio::make_strand(io))),
      orders_timetable_(config_.timetable), trades_timetable_(config_.timetable),
      producer_(producer_config(config_), sched, strand_, instruments_, quotes_),
      matchers_(sched.time(), config_.matcher, config_.matcher_shards, io, strand_, producer_.definitions(),
                orders_timetable_, trades_timetable_, counters_, config_.log),
      processor_(sched.time(), orders_, counters_, config_.log), api_(strand_, processor_, config_.single_threaded),
      feed_(producer_, strand_, instruments_, quotes_) {
  producer_.add_listener(status_tap_);
}

exchange::~exchange() { producer_.stop(); }

void exchange::declare_topology() {
  using namespace exchange_names;
  auto topic = declared(bus_.declare_topic(order_topic), order_topic);
  auto created = declared(bus_.declare_queue<traced_request>(order_created_queue, config_.order_created_queue),
                          order_created_queue);
  auto processed = declared(bus_.declare_queue<traced_report>(order_processor_queue, config_.order_processor_queue),
                            order_processor_queue);
  declared(bus_.bind(created, topic, order_created_key), "the order.created binding");
  declared(bus_.bind(processed, topic, order_matched_key), "the order.matched binding");
  // Both consumers run on the exchange's strand; the matcher service hops to a shard's strand
  // when there are several.
  declared(bus_.subscribe(created, strand_, [this](bus::message<traced_request>& m) { matchers_.on_request(m); }),
           "the matcher's consumer");
  declared(bus_.subscribe(processed, strand_, [this](bus::message<traced_report>& m) { processor_.on_report(m); }),
           "the processor's consumer");
  matchers_.connect(bus_, topic);
  processor_.connect(bus_, topic);
}

void exchange::start() {
  if (!topology_) {
    declare_topology();
    topology_ = true;
  }
  producer_.start();
}

void exchange::stop() { producer_.stop(); }

std::unique_ptr<order_gateway> exchange::connect(institution_id institution) {
  return std::make_unique<in_process_order_gateway>(api_, institution);
}

exchange_stats exchange::stats() const {
  exchange_stats out;
  counters_.snapshot(out);
  out.quotes_produced = producer_.quotes_produced();
  out.instrument_updates = producer_.instrument_updates();
  out.shards = matchers_.stats();
  out.bus = bus_.stats();
  return out;
}

} // namespace minibroker
