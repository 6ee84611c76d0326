#pragma once
// The broker's counters, per component, as snapshots of plain values. Nothing the broker takes in
// is dropped without landing in one of these (or in the bus's own counters).

#include <array>
#include <cstddef>
#include <cstdint>
#include <numeric>

#include <boost/system/result.hpp>

#include "minibroker/bus/bus.hpp"
#include "minibroker/bus/stats.hpp"
#include "minibroker/core/enums.hpp"
#include "minibroker/store/orders_storage.hpp"
#include "minibroker/store/timetable.hpp"

namespace minibroker {

// What became of the messages one component published; each publish is counted exactly once.
struct publish_counters {
  std::uint64_t enqueued = 0;   // every matching queue took it
  std::uint64_t unroutable = 0; // no binding matched
  std::uint64_t refused = 0;    // some matching queue was full (or carries another payload type)
  std::uint64_t failed = 0;     // the bus refused the publish itself (an error code)

  void record(const boost::system::result<bus::publish_receipt>& r) noexcept {
    if (!r) {
      ++failed;
    } else if (!r->routed()) {
      ++unroutable;
    } else if (r->rejected + r->type_mismatched > 0) {
      ++refused;
    } else {
      ++enqueued;
    }
  }
  [[nodiscard]] std::uint64_t total() const noexcept { return enqueued + unroutable + refused + failed; }
};

// The market data connector: what the feed delivered and what became of it on the bus.
struct market_data_connector_stats {
  std::uint64_t instruments_received = 0;
  std::uint64_t quotes_received = 0;
  publish_counters instruments; // "instrument.updated" publishes
  publish_counters quotes;      // "quote.updated" publishes
};

// The market data consumer: what it took off INSTRUMENTS_QUEUE and QUOTES_QUEUE. Each one is
// stored in its cache; the timetables' own stats say what they kept.
struct market_data_consumer_stats {
  std::uint64_t instruments_stored = 0;
  std::uint64_t quotes_stored = 0;
};

// The order handler: requests from frontends.
// Invariant: received == new_orders + cancels + replaces == accepted + rejected_total().
struct order_handler_stats {
  std::uint64_t received = 0;
  std::uint64_t new_orders = 0;
  std::uint64_t cancels = 0;
  std::uint64_t replaces = 0;
  std::uint64_t accepted = 0; // published into BROKER_ORDER_CREATED_QUEUE
  // Rejected here, never sent to the exchange, by reason (queue_full: back-pressure).
  std::array<std::uint64_t, reject_reason_count> rejected{};
  publish_counters requests;       // "order.new"/"order.cancel"/"order.replace" publishes
  publish_counters reject_reports; // the reject reports published for frontends

  [[nodiscard]] std::uint64_t rejected_for(reject_reason r) const noexcept {
    return rejected[static_cast<std::size_t>(r)];
  }
  [[nodiscard]] std::uint64_t rejected_total() const noexcept {
    return std::accumulate(rejected.begin(), rejected.end(), std::uint64_t{0});
  }
};

// The order connector: requests sent to the exchange, reports coming back.
// Invariant: reports_received == applied + ignored_stale + ignored_duplicate + kept + foreign.
struct order_connector_stats {
  std::uint64_t sent_new = 0;
  std::uint64_t sent_cancel = 0;
  std::uint64_t sent_replace = 0;
  std::uint64_t reports_received = 0;
  std::array<std::uint64_t, exec_type_count> reports_by_type{};
  std::uint64_t applied = 0;               // changed the broker's order store
  std::uint64_t unknown_order_reports = 0; // of those, the first news of an order the broker never recorded
  std::uint64_t ignored_stale = 0;         // older than a report already applied to the order
  std::uint64_t ignored_duplicate = 0;     // the store refused it (see orders_storage)
  std::uint64_t kept = 0;                  // rejects of a cancel or replace: the order itself is unchanged
  std::uint64_t foreign = 0;               // for another institution: neither stored nor published (logged)
  publish_counters reports;                // "order.report.<status>" publishes for frontends

  [[nodiscard]] std::uint64_t sent() const noexcept { return sent_new + sent_cancel + sent_replace; }
  [[nodiscard]] std::uint64_t reports_of(exec_type t) const noexcept {
    return reports_by_type[static_cast<std::size_t>(t)];
  }
};

// Everything at once: broker::stats().
struct broker_stats {
  market_data_connector_stats market_data;
  market_data_consumer_stats market_data_stored;
  timetable_stats instruments_timetable;
  timetable_stats quotes_timetable;
  order_handler_stats requests;
  order_connector_stats exchange;
  orders_storage_stats orders;
  bus::bus_stats bus;
};

} // namespace minibroker
