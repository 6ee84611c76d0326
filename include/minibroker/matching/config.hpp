#pragma once
// Configuration of an order_matcher.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

namespace minibroker {

// What happens when an incoming order would trade with a resting order of the same institution.
enum class self_trade_prevention : std::uint8_t {
  off,             // they trade
  cancel_resting,  // the resting order is cancelled (reason self_trade) and matching goes on
  cancel_incoming, // the incoming order's remainder is cancelled (reason self_trade); it never rests
};

std::string_view to_string(self_trade_prevention v) noexcept;

struct matcher_config {
  self_trade_prevention stp = self_trade_prevention::off;
  // Capacity hints, reserved up front so that steady-state operation allocates nothing. Going
  // beyond them is fine: storage grows in chunks and never moves existing orders.
  std::size_t expected_resting_orders = std::size_t{1} << 14; // live orders at once, all instruments
  std::size_t expected_levels = 256;                          // price levels per side per instrument
  std::size_t expected_instruments = 16;
  // Per book and side, levels whose price lies within a window of this many ticks are found in
  // O(1) through a price-indexed table (4 bytes a tick a side); farther ones by binary search.
  // The window centres on the instrument's reference price (or the first order's price) and
  // re-centres whenever the book is empty. 0 turns the table off.
  std::size_t price_window_ticks = 16384;
  // Orders accepted over the matcher's life, per institution: client order ids below this are
  // remembered in a bitmap reserved up front when an institution first appears (one bit each).
  std::size_t expected_orders = std::size_t{1} << 20;
  // Accepted client order ids at or above 2^32 (remembered in a hash set instead of the bitmap).
  std::size_t expected_sparse_client_ids = 1024;
};

} // namespace minibroker

template <>
struct fmt::formatter<minibroker::self_trade_prevention> : fmt::formatter<std::string_view> {
  auto format(minibroker::self_trade_prevention v, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(minibroker::to_string(v), ctx);
  }
};
