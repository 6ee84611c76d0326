#pragma once
// `minibroker gen-orders`: a realistic random order file. Orders arrive around a mid price that
// walks at random; a real order_matcher follows the flow as it is generated, so cancels and
// replaces name orders that are really resting, and the book holds about `resting` orders in
// steady state. The same config gives the same file, byte for byte.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "minibroker/core/decimal.hpp"
#include "minibroker/core/price.hpp"

namespace minibroker::replay {

struct generator_config {
  std::uint64_t seed = 1;
  std::size_t count = 10'000; // operations (lines after the header)
  std::size_t symbols = 1;
  std::size_t institutions = 4;
  // The mix: shares of all operations; new orders are the rest.
  double cancel_share = 0.4;
  double replace_share = 0.2;
  // Of the new orders, the share that crosses the spread (market, IOC, FOK); the rest rest.
  double marketable_share = 0.1;
  // Of all operations, the share made invalid on purpose (zero quantity, unknown order, ...).
  double invalid_share = 0.0;
  // Resting orders (all symbols) held in steady state. The file starts by building the book
  // up to this size with resting orders, which count toward `count`.
  std::size_t resting = 1'000;
  decimal tick{1, 2};
  price start_price{10'000}; // in ticks: 100.00
};

// Validates a config; returns an empty string or what is wrong.
std::string config_error(const generator_config& config);

// Calls `line` for the header and then each operation line (no line endings).
void generate_orders(const generator_config& config, const std::function<void(std::string_view)>& line);

} // namespace minibroker::replay
