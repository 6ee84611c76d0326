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

using event = std::variant<execution_report, trade, top_of_book, depth_update>;

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
