#include "minibroker/core/enums.hpp"

#include <array>
#include <utility>

namespace minibroker {
namespace {

// One table per enum, indexed by the enumerator's value, so text and value cannot drift apart.
template <typename Enum, std::size_t N>
using name_table = std::array<std::pair<Enum, std::string_view>, N>;

constexpr name_table<side, 2> side_names{{{side::buy, "buy"}, {side::sell, "sell"}}};
constexpr name_table<order_type, 2> order_type_names{{{order_type::limit, "limit"}, {order_type::market, "market"}}};
constexpr name_table<time_in_force, 3> tif_names{
    {{time_in_force::gtc, "gtc"}, {time_in_force::ioc, "ioc"}, {time_in_force::fok, "fok"}}};
constexpr name_table<order_status, 7> order_status_names{{
    {order_status::pending_new, "pending_new"},
    {order_status::new_order, "new"},
    {order_status::partially_filled, "partially_filled"},
    {order_status::filled, "filled"},
    {order_status::cancelled, "cancelled"},
    {order_status::rejected, "rejected"},
    {order_status::expired, "expired"},
}};
constexpr name_table<instrument_status, 2> instrument_status_names{
    {{instrument_status::trading, "trading"}, {instrument_status::halted, "halted"}}};
constexpr name_table<exec_type, 6> exec_type_names{{
    {exec_type::new_order, "new"},
    {exec_type::trade, "trade"},
    {exec_type::cancelled, "cancelled"},
    {exec_type::replaced, "replaced"},
    {exec_type::rejected, "rejected"},
    {exec_type::expired, "expired"},
}};
constexpr name_table<reject_reason, 15> reject_reason_names{{
    {reject_reason::none, "none"},
    {reject_reason::unknown_instrument, "unknown_instrument"},
    {reject_reason::instrument_halted, "instrument_halted"},
    {reject_reason::invalid_quantity, "invalid_quantity"},
    {reject_reason::quantity_not_lot_multiple, "quantity_not_lot_multiple"},
    {reject_reason::invalid_price, "invalid_price"},
    {reject_reason::price_not_on_tick, "price_not_on_tick"},
    {reject_reason::price_on_market_order, "price_on_market_order"},
    {reject_reason::unknown_order, "unknown_order"},
    {reject_reason::duplicate_client_order_id, "duplicate_client_order_id"},
    {reject_reason::nothing_to_replace, "nothing_to_replace"},
    {reject_reason::self_trade, "self_trade"},
    {reject_reason::unknown_institution, "unknown_institution"},
    {reject_reason::malformed_request, "malformed_request"},
    {reject_reason::queue_full, "queue_full"},
}};

template <typename Enum, std::size_t N>
constexpr bool table_is_in_order(const name_table<Enum, N>& table) {
  for (std::size_t i = 0; i < N; ++i) {
    if (static_cast<std::size_t>(table[i].first) != i) {
      return false;
    }
  }
  return true;
}
static_assert(table_is_in_order(side_names) && table_is_in_order(order_type_names) && table_is_in_order(tif_names) &&
              table_is_in_order(order_status_names) && table_is_in_order(instrument_status_names) &&
              table_is_in_order(exec_type_names) && table_is_in_order(reject_reason_names));

template <typename Enum, std::size_t N>
std::string_view name_of(const name_table<Enum, N>& table, Enum value) noexcept {
  const auto index = static_cast<std::size_t>(value);
  return index < N ? table[index].second : std::string_view{"?"};
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const name_table<Enum, N>& table, std::string_view text) noexcept {
  for (const auto& [value, name] : table) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

} // namespace

std::string_view to_string(side v) noexcept { return name_of(side_names, v); }
std::string_view to_string(order_type v) noexcept { return name_of(order_type_names, v); }
std::string_view to_string(time_in_force v) noexcept { return name_of(tif_names, v); }
std::string_view to_string(order_status v) noexcept { return name_of(order_status_names, v); }
std::string_view to_string(instrument_status v) noexcept { return name_of(instrument_status_names, v); }
std::string_view to_string(exec_type v) noexcept { return name_of(exec_type_names, v); }
std::string_view to_string(reject_reason v) noexcept { return name_of(reject_reason_names, v); }

std::optional<side> side_from_string(std::string_view text) noexcept { return value_of(side_names, text); }
std::optional<order_type> order_type_from_string(std::string_view text) noexcept {
  return value_of(order_type_names, text);
}
std::optional<time_in_force> time_in_force_from_string(std::string_view text) noexcept {
  return value_of(tif_names, text);
}
std::optional<order_status> order_status_from_string(std::string_view text) noexcept {
  return value_of(order_status_names, text);
}
std::optional<reject_reason> reject_reason_from_string(std::string_view text) noexcept {
  return value_of(reject_reason_names, text);
}

} // namespace minibroker
