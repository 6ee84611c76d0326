#pragma once
// Internal: the state an order_matcher shares with its books: the order pool, the live-order
// indexes, the id generators, and the buffer events are recorded into while a request runs.

#include <cstdint>
#include <variant>
#include <vector>

#include "minibroker/core/clock.hpp"
#include "minibroker/core/records.hpp"
#include "minibroker/matching/config.hpp"
#include "minibroker/matching/detail/client_slot_index.hpp"
#include "minibroker/matching/detail/order_id_index.hpp"
#include "minibroker/matching/detail/order_pool.hpp"
#include "minibroker/matching/events.hpp"

namespace minibroker::detail {

// A fill's events, recorded and delivered as one entry of the buffer: the trade, then the
// aggressor's report, then the resting order's. One entry where there were three: one room check
// and one index written when recorded, one visit when delivered (a sweep is mostly fills).
// Constructed in the buffer's slot from the fill's values, each event from its fields. `last` is
// the book's sequence number before the fill; the events take the next ones. When no listener
// wants trades (`with_trade` false), the trade is not delivered and takes no number: its sequence
// stays 0, and the two reports are numbered as if it did not exist.
struct fill_events {
  fill_events(sequence_number last, bool with_trade, timestamp now, instrument_id instrument, trade_id id, price px,
              quantity qty, const order_data& aggressor, const order_data& resting) noexcept
      : trade_event{with_trade ? last + 1 : 0,
                    now,
                    id,
                    instrument,
                    px,
                    qty,
                    aggressor.side,
                    party(aggressor.side == side::buy ? aggressor : resting),
                    party(aggressor.side == side::buy ? resting : aggressor)},
        aggressor_report{report(last + numbers_taken(with_trade) - 1, now, instrument, id, px, qty, aggressor)},
        resting_report{report(last + numbers_taken(with_trade), now, instrument, id, px, qty, resting)} {}

  // How many sequence numbers the entry takes: the two reports always take the last two.
  [[nodiscard]] static constexpr sequence_number numbers_taken(bool with_trade) noexcept { return with_trade ? 3 : 2; }
  [[nodiscard]] bool has_trade() const noexcept { return trade_event.sequence != 0; }

  trade trade_event;
  execution_report aggressor_report;
  execution_report resting_report;

private:
  [[nodiscard]] static trade_party party(const order_data& d) noexcept {
    return trade_party{d.id, d.institution, d.client_id};
  }
  [[gnu::always_inline]] [[nodiscard]] static execution_report report(sequence_number seq, timestamp now,
                                                                      instrument_id instrument, trade_id id, price px,
                                                                      quantity qty, const order_data& d) noexcept {
    return execution_report{seq,
                            now,
                            instrument,
                            d.id,
                            d.institution,
                            d.client_id,
                            exec_type::trade,
                            d.open == quantity{0} ? order_status::filled : order_status::partially_filled,
                            d.side,
                            d.type,
                            d.tif,
                            d.px,
                            d.cum + d.open,
                            px,
                            qty,
                            d.cum,
                            d.open,
                            id,
                            reject_reason::none};
  }
};

using event = std::variant<execution_report, trade, top_of_book, depth_update, fill_events>;

struct engine_context {
  explicit engine_context(const matcher_config& config)
      : pool(config.expected_resting_orders), live_by_client(config.expected_orders, config.expected_sparse_client_ids),
        live_by_id(config.expected_orders), stp(config.stp) {
    events.reserve(1024);
  }

  order_pool pool;
  // Resting orders only: (institution, client order id) -> slot, order id -> slot.
  client_slot_index live_by_client;
  order_id_index live_by_id;
  std::vector<event> events;
  std::uint64_t last_order_id = 0;
  std::uint64_t last_trade_id = 0;
  self_trade_prevention stp;
  timestamp now; // of the request being processed
};

} // namespace minibroker::detail
