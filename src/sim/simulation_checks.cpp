#include "minibroker/sim/simulation_checks.hpp"

#include <map>

#include <fmt/format.h>

#include "minibroker/broker/broker.hpp"
#include "minibroker/exchange/exchange.hpp"

namespace minibroker {
namespace {

// Collects failures, keeping the first few of each kind and counting the rest.
class failure_list {
public:
  template <typename... Args>
  void add(std::string_view kind, fmt::format_string<Args...> format, Args&&... args) {
    auto& n = counts_[std::string(kind)];
    if (++n <= 5) {
      failures_.push_back(fmt::format(format, std::forward<Args>(args)...));
    }
  }
  std::vector<std::string> take() {
    for (const auto& [kind, n] : counts_) {
      if (n > 5) {
        failures_.push_back(fmt::format("... and {} more of: {}", n - 5, kind));
      }
    }
    return std::move(failures_);
  }

private:
  std::vector<std::string> failures_;
  std::map<std::string, std::size_t> counts_;
};

void check_views(const exchange& ex, const broker& b, failure_list& f) {
  const auto& broker_orders = b.orders();
  const auto& exchange_orders = ex.orders();
  for (const auto& r : broker_orders) {
    const auto* e = exchange_orders.find(r.institution, r.client_id);
    if (e == nullptr) {
      f.add("broker order unknown to the exchange", "{}: order {} is {} at the broker but unknown to the exchange",
            b.config().name, r.client_id, r.status);
    } else if (e->status != r.status || e->cum_qty != r.cum_qty) {
      f.add("views differ", "{}: order {} is {} with {} filled at the broker but {} with {} filled at the exchange",
            b.config().name, r.client_id, r.status, r.cum_qty, e->status, e->cum_qty);
    }
  }
  for (const auto& e : exchange_orders) {
    if (e.institution == b.institution() && broker_orders.find(e.institution, e.client_id) == nullptr) {
      f.add("exchange order unknown to the broker", "{}: order {} is {} at the exchange but unknown to the broker",
            b.config().name, e.client_id, e.status);
    }
  }
}

void check_positions(const exchange& ex, failure_list& f) {
  std::map<std::uint32_t, std::pair<std::int64_t, std::int64_t>> bought_sold;
  std::map<std::uint32_t, std::uint64_t> open_orders;
  for (const auto& o : ex.orders()) {
    auto& [bought, sold] = bought_sold[o.instrument.value()];
    (o.side == side::buy ? bought : sold) += o.cum_qty.value();
    if (!is_final(o.status) && o.status != order_status::pending_new) {
      ++open_orders[o.instrument.value()];
    }
    if (o.cum_qty + o.open_qty != o.order_qty && !is_final(o.status)) {
      f.add("quantities", "order {}/{}: cum {} + open {} != qty {}", o.institution, o.client_id, o.cum_qty, o.open_qty,
            o.order_qty);
    }
  }
  std::int64_t total_bought = 0;
  for (const auto& [instrument, position] : bought_sold) {
    if (position.first != position.second) {
      f.add("bought != sold", "instrument {}: bought {} but sold {}", instrument, position.first, position.second);
    }
    total_bought += position.first;
  }
  const auto stats = ex.stats();
  if (static_cast<std::uint64_t>(total_bought) != stats.volume) {
    f.add("volume", "orders filled {} in all but the trades volume is {}", total_bought, stats.volume);
  }
  for (std::uint32_t id = 1; id <= ex.config().instruments; ++id) {
    const auto book = ex.l2(instrument_id{id}, std::numeric_limits<std::size_t>::max());
    std::uint64_t resting = 0;
    if (book) {
      for (const auto& level : book->bids) {
        resting += level.orders;
      }
      for (const auto& level : book->asks) {
        resting += level.orders;
      }
    }
    const auto open = open_orders.count(id) != 0 ? open_orders[id] : 0;
    if (resting != open) {
      f.add("open but not resting", "instrument {}: {} orders are open at the exchange but {} rest in the book", id,
            open, resting);
    }
  }
}

void check_bus(std::string_view owner, const bus::bus_stats& stats, failure_list& f) {
  for (const auto& q : stats.queues) {
    if (q.published != q.delivered + q.dropped + q.dead_lettered + q.failed + q.depth) {
      f.add("queue balance",
            "{} {}: published {} != delivered {} + dropped {} + dead-lettered {} + failed {} + queued {}", owner,
            q.name, q.published, q.delivered, q.dropped, q.dead_lettered, q.failed, q.depth);
    }
    if (q.depth != 0) {
      f.add("queue not drained", "{} {}: {} messages still queued after the drain", owner, q.name, q.depth);
    }
  }
}

} // namespace

std::vector<std::string> check_simulation(const exchange& ex, const std::vector<std::unique_ptr<broker>>& brokers) {
  failure_list f;
  const auto ex_stats = ex.stats();
  std::uint64_t sent_by_brokers = 0;
  for (const auto& b : brokers) {
    check_views(ex, *b, f);
    const auto bs = b->stats();
    if (bs.requests.received != bs.requests.accepted + bs.requests.rejected_total()) {
      f.add("handler balance", "{}: received {} requests but accepted {} and rejected {}", b->config().name,
            bs.requests.received, bs.requests.accepted, bs.requests.rejected_total());
    }
    if (bs.requests.accepted != bs.exchange.sent()) {
      f.add("connector balance", "{}: accepted {} requests but sent {} to the exchange", b->config().name,
            bs.requests.accepted, bs.exchange.sent());
    }
    sent_by_brokers += bs.exchange.sent();
    const auto& quotes = b->quotes_timetable();
    if (quotes.stats().appended != bs.market_data_stored.quotes_stored) {
      f.add("quotes timetable", "{}: stored {} quotes but the quotes timetable took {}", b->config().name,
            bs.market_data_stored.quotes_stored, quotes.stats().appended);
    }
    if (quotes.size() + quotes.stats().evicted_by_rows + quotes.stats().evicted_by_age !=
        quotes.stats().appended - quotes.stats().rejected_too_old) {
      f.add("quotes retention", "{}: the quotes timetable holds {} rows of {} appended", b->config().name,
            quotes.size(), quotes.stats().appended);
    }
    check_bus(b->config().name, bs.bus, f);
  }
  if (sent_by_brokers != ex_stats.requests_received) {
    f.add("exchange intake", "the brokers sent {} requests but the exchange received {}", sent_by_brokers,
          ex_stats.requests_received);
  }
  if (ex_stats.requests_received != ex_stats.requests_forwarded + ex_stats.door_rejects) {
    f.add("exchange balance", "the exchange received {} requests but forwarded {} and rejected {}",
          ex_stats.requests_received, ex_stats.requests_forwarded, ex_stats.door_rejects);
  }
  std::uint64_t reports_made = 0;
  for (const auto& shard : ex_stats.shards) {
    reports_made += shard.reports;
  }
  if (ex.orders_timetable().stats().appended != reports_made) {
    f.add("orders timetable", "the matcher made {} reports but the orders timetable took {}", reports_made,
          ex.orders_timetable().stats().appended);
  }
  check_positions(ex, f);
  check_bus("exchange", ex_stats.bus, f);
  return f.take();
}

} // namespace minibroker
