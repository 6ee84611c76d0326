#pragma once
// The small closed vocabularies of the domain, each with a stable text name (used in JSON, CSV
// and logs) and an fmt formatter.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace minibroker {

enum class side : std::uint8_t { buy, sell };
enum class order_type : std::uint8_t { limit, market };
enum class time_in_force : std::uint8_t {
  gtc, // good till cancelled: the remainder rests
  ioc, // immediate or cancel: the remainder is cancelled
  fok, // fill or kill: fills completely at once or does nothing
};

enum class order_status : std::uint8_t {
  pending_new, // seen by the broker, not yet acknowledged by the exchange
  new_order,   // accepted, resting, nothing filled yet
  partially_filled,
  filled,
  cancelled,
  rejected,
  expired, // IOC/FOK/market remainder that could not rest
};

enum class instrument_status : std::uint8_t { trading, halted };

// What one execution report says happened.
enum class exec_type : std::uint8_t { new_order, trade, cancelled, replaced, rejected, expired };

// Why a request was refused. Stable names: clients match on them.
enum class reject_reason : std::uint8_t {
  none,
  unknown_instrument,
  instrument_halted,
  invalid_quantity,          // zero or negative
  quantity_not_lot_multiple, // not a whole number of lots
  invalid_price,             // a limit price that is zero or negative
  price_not_on_tick,
  price_on_market_order, // a market order must not carry a price
  unknown_order,         // cancel/replace of an order that is unknown or finished
  duplicate_client_order_id,
  nothing_to_replace, // replace with neither a price nor a quantity
  self_trade,         // self-trade prevention cancelled the incoming order
  unknown_institution,
  malformed_request, // could not be parsed (edges only)
  queue_full,        // back-pressure: the pipeline refused the request
};

// How many values some enums have, for tables indexed by them.
inline constexpr std::size_t reject_reason_count = static_cast<std::size_t>(reject_reason::queue_full) + 1;
inline constexpr std::size_t exec_type_count = static_cast<std::size_t>(exec_type::expired) + 1;
inline constexpr std::size_t order_status_count = static_cast<std::size_t>(order_status::expired) + 1;

std::string_view to_string(side v) noexcept;
std::string_view to_string(order_type v) noexcept;
std::string_view to_string(time_in_force v) noexcept;
std::string_view to_string(order_status v) noexcept;
std::string_view to_string(instrument_status v) noexcept;
std::string_view to_string(exec_type v) noexcept;
std::string_view to_string(reject_reason v) noexcept;

// Text to enum, exactly the names above (lowercase); nullopt when unknown.
std::optional<side> side_from_string(std::string_view text) noexcept;
std::optional<order_type> order_type_from_string(std::string_view text) noexcept;
std::optional<time_in_force> time_in_force_from_string(std::string_view text) noexcept;
std::optional<order_status> order_status_from_string(std::string_view text) noexcept;
std::optional<reject_reason> reject_reason_from_string(std::string_view text) noexcept;

[[nodiscard]] constexpr side opposite(side s) noexcept { return s == side::buy ? side::sell : side::buy; }
// True when the order will not change again.
[[nodiscard]] constexpr bool is_final(order_status s) noexcept {
  return s == order_status::filled || s == order_status::cancelled || s == order_status::rejected ||
         s == order_status::expired;
}

} // namespace minibroker

#define MINIBROKER_ENUM_FORMATTER(type)                                                                                \
  template <>                                                                                                          \
  struct fmt::formatter<type> : fmt::formatter<std::string_view> {                                                     \
    auto format(type v, fmt::format_context& ctx) const {                                                              \
      return fmt::formatter<std::string_view>::format(minibroker::to_string(v), ctx);                                  \
    }                                                                                                                  \
  };

MINIBROKER_ENUM_FORMATTER(minibroker::side)
MINIBROKER_ENUM_FORMATTER(minibroker::order_type)
MINIBROKER_ENUM_FORMATTER(minibroker::time_in_force)
MINIBROKER_ENUM_FORMATTER(minibroker::order_status)
MINIBROKER_ENUM_FORMATTER(minibroker::instrument_status)
MINIBROKER_ENUM_FORMATTER(minibroker::exec_type)
MINIBROKER_ENUM_FORMATTER(minibroker::reject_reason)
#undef MINIBROKER_ENUM_FORMATTER
