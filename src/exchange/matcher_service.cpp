#include "minibroker/exchange/matcher_service.hpp"

#include <atomic>
#include <stdexcept>
#include <utility>
#include <variant>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "minibroker/core/assert.hpp"
#include "minibroker/exchange/topology.hpp"
#include "minibroker/matching/order_matcher.hpp"

namespace minibroker {

namespace {

#if !defined(NDEBUG) || defined(MINIBROKER_ENABLE_ASSERTIONS)
// Whether the calling thread is in the executor's turn. A strand knows. The io_context's own
// executor is the exchange's only on one thread (exchange_config::single_threaded), where every
// call comes from that thread, also from outside the io_context's run (a task of the virtual
// scheduler, and the drains that follow it as its continuations): nothing to tell apart there.
bool running_here(const exchange_executor& executor) {
  const auto* strand = executor.target<boost::asio::strand<boost::asio::io_context::executor_type>>();
  return strand == nullptr || strand->running_in_this_thread();
}

// Debug proof of the one-strand-per-book rule: every entry into a shard's matcher must be on the
// shard's strand, and no other entry may be in progress (an atomic "in use" flag).
class owner_check {
public:
  owner_check(std::atomic<bool>& in_use, const exchange_executor& strand) : in_use_(in_use) {
    MINIBROKER_ASSERT(running_here(strand));
    MINIBROKER_ASSERT(!in_use_.exchange(true, std::memory_order_acquire));
  }
  ~owner_check() { in_use_.store(false, std::memory_order_release); }
  owner_check(const owner_check&) = delete;
  owner_check& operator=(const owner_check&) = delete;

private:
  std::atomic<bool>& in_use_;
};
#else
class owner_check {
public:
  owner_check(std::atomic<bool>&, const exchange_executor&) noexcept {}
};
#endif

} // namespace

// One order_matcher, its strand, and the listener that turns its events into the exchange's.
struct matcher_service::shard final : order_listener, market_data_listener {
  shard(const clock& clk, const matcher_config& config, std::size_t index_, std::size_t count_,
        exchange_executor own_strand, exchange_executor exchange, orders_timetable& report_rows,
        trades_timetable& trade_rows, exchange_detail::exchange_counters& counters_, logger log_)
      : matcher(clk, config), clock_(clk), strand(std::move(own_strand)), exchange_strand_(std::move(exchange)),
        index(index_), count(count_), reports_(report_rows), trades_(trade_rows), counters(counters_),
        log(std::move(log_)) {
    matcher.set_order_listener(this);
    matcher.set_market_data_listener(this);
  }

  // On the shard's strand.
  void process(const traced_request& request) {
    const owner_check check(in_use, strand);
    current = request.trace;
    current.matched = clock_.now();
    requests_done.add();
    std::visit([this](const auto& r) { matcher.submit(r); }, request.request);
  }

  void set_status(instrument_id id, instrument_status status) {
    const owner_check check(in_use, strand);
    if (!matcher.set_instrument_status(id, status)) {
      log.warn("matcher shard {}: status {} for unknown instrument {}", index, status, id);
    }
  }

  [[nodiscard]] std::uint64_t global_id(std::uint64_t local) const noexcept {
    return local == 0 ? 0 : (local - 1) * count + index + 1;
  }

  void on_execution_report(const execution_report& report) override {
    execution_report row = report;
    row.order = order_id{global_id(report.order.value())};
    row.trade = trade_id{global_id(report.trade.value())};
    reports_done.add();
    if (report.type == exec_type::rejected) {
      counters.count_reject(report.reason);
    }
    // The timetable is the exchange strand's: one shard runs on it (appended here, no copy into a
    // handler); with several, posted there.
    if (count == 1) {
      reports_.append(row);
    } else {
      boost::asio::dispatch(exchange_strand_, [this, row] { reports_.append(row); });
    }
    publish(row);
  }

  void on_trade(const trade& t) override {
    trade row = t;
    row.id = trade_id{global_id(t.id.value())};
    row.buy.order = order_id{global_id(t.buy.order.value())};
    row.sell.order = order_id{global_id(t.sell.order.value())};
    trades_done.add();
    counters.trades.add();
    counters.volume.add(static_cast<std::uint64_t>(t.qty.value()));
    if (count == 1) {
      trades_.append(row);
    } else {
      boost::asio::dispatch(exchange_strand_, [this, row] { trades_.append(row); });
    }
  }

  void publish(const execution_report& row) {
    if (bus_ptr == nullptr) {
      counters.reports_publish_rejected.add();
      return;
    }
    // The traced report is built in the bus's by-value parameter, not copied into it.
    auto receipt = bus_ptr->publish(topic, exchange_names::order_matched_key, traced_report{row, current});
    if (receipt && receipt->enqueued > 0 && receipt->rejected == 0) {
      counters.reports_published.add();
    } else {
      // The processor queue is full (or the topology is gone): the report is in the
      // OrdersTimetable but will not reach the institution. Counted, and visible in bus stats.
      counters.reports_publish_rejected.add();
      log.warn("matcher shard {}: order.matched not enqueued for institution {} order {}", index, row.institution,
               row.client_id);
    }
  }

  order_matcher matcher;
  const clock& clock_;
  exchange_executor strand;
  exchange_executor exchange_strand_;
  std::size_t index;
  std::size_t count;
  orders_timetable& reports_;
  trades_timetable& trades_;
  exchange_detail::exchange_counters& counters;
  logger log;
  bus::bus* bus_ptr = nullptr;
  bus::topic_ref topic;
  order_trace current; // of the request being matched
  std::atomic<bool> in_use{false};
  // Added to on the shard's strand only.
  exchange_detail::ordered_counter requests_done;
  exchange_detail::ordered_counter reports_done;
  exchange_detail::ordered_counter trades_done;
  std::uint64_t instruments = 0;
};

matcher_service::matcher_service(const clock& clock, const matcher_config& config, std::size_t shards,
                                 boost::asio::io_context& io, exchange_executor strand,
                                 const std::vector<instrument>& instruments, orders_timetable& reports,
                                 trades_timetable& trades, exchange_detail::exchange_counters& counters, logger log)
    : clock_(clock), strand_(std::move(strand)) {
  if (shards == 0) {
    throw std::invalid_argument("matcher_service: at least one shard");
  }
  shards_.reserve(shards);
  for (std::size_t i = 0; i < shards; ++i) {
    // One shard shares the exchange's strand: everything stays on one strand, no extra hop.
    exchange_executor own = shards == 1 ? strand_ : exchange_executor(boost::asio::make_strand(io));
    shards_.push_back(
        std::make_unique<shard>(clock_, config, i, shards, std::move(own), strand_, reports, trades, counters, log));
  }
  for (const instrument& definition : instruments) {
    shard& s = *shards_[shard_of(definition.id)];
    s.matcher.add_instrument(definition);
    ++s.instruments;
  }
}

matcher_service::~matcher_service() = default;

void matcher_service::connect(bus::bus& bus, bus::topic_ref order_topic) noexcept {
  for (auto& s : shards_) {
    s->bus_ptr = &bus;
    s->topic = order_topic;
  }
}

void matcher_service::on_request(bus::message<traced_request>& message) {
  shard& s = *shards_[shard_of(instrument_of(message.payload.request))];
  if (shards_.size() == 1) {
    s.process(message.payload);
    return;
  }
  boost::asio::post(s.strand, [&s, request = std::move(message.payload)] { s.process(request); });
}

void matcher_service::set_instrument_status(instrument_id id, instrument_status status) {
  shard& s = *shards_[shard_of(id)];
  boost::asio::dispatch(s.strand, [&s, id, status] { s.set_status(id, status); });
}

const exchange_executor& matcher_service::shard_executor(std::size_t index) const noexcept {
  MINIBROKER_ASSERT(index < shards_.size());
  return shards_[index]->strand;
}

std::optional<top_of_book> matcher_service::l1(instrument_id id) const { return shards_[shard_of(id)]->matcher.l1(id); }

std::optional<depth_snapshot> matcher_service::l2(instrument_id id, std::size_t levels) const {
  return shards_[shard_of(id)]->matcher.l2(id, levels);
}

std::vector<shard_stats> matcher_service::stats() const {
  std::vector<shard_stats> out;
  out.reserve(shards_.size());
  for (const auto& s : shards_) {
    out.push_back(shard_stats{s->requests_done.get(), s->reports_done.get(), s->trades_done.get(), s->instruments});
  }
  return out;
}

} // namespace minibroker
