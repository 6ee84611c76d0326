#pragma once
// Internal: the state an order_matcher shares with its books: the order pool, the live-order
// indexes, the id generators, and the buffer events are recorded into while a request runs.

#include <cstdint>
#include <variant>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "minibroker/core/clock.hpp"
#include "minibroker/core/records.hpp"
#include "minibroker/matching/config.hpp"
#include "minibroker/matching/detail/order_id_index.hpp"
#include "minibroker/matching/detail/order_pool.hpp"
#include "minibroker/matching/events.hpp"

namespace minibroker::detail {

struct client_key {
  institution_id institution;
  client_order_id id;
  friend bool operator==(client_key, client_key) = default;
};
struct client_key_hash {
  std::size_t operator()(client_key k) const noexcept {
    return static_cast<std::size_t>(k.id.value() * 0x9e3779b97f4a7c15ULL ^ k.institution.value());
  }
};

using event = std::variant<execution_report, trade, top_of_book, depth_update>;

struct engine_context {
  explicit engine_context(const matcher_config& config)
      : pool(config.expected_resting_orders), live_by_id(config.expected_orders), stp(config.stp) {
    live_by_client.reserve(config.expected_resting_orders);
    events.reserve(1024);
  }

  order_pool pool;
  // Resting orders only: (institution, client order id) -> slot, order id -> slot.
  boost::unordered_flat_map<client_key, std::uint32_t, client_key_hash> live_by_client;
  order_id_index live_by_id;
  std::vector<event> events;
  std::uint64_t last_order_id = 0;
  std::uint64_t last_trade_id = 0;
  self_trade_prevention stp;
  timestamp now; // of the request being processed
};

} // namespace minibroker::detail
