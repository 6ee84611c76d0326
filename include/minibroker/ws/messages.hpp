#pragma once
// Inbound WebSocket messages as decoded from JSON, before symbols and prices are resolved against
// the instruments (order_translation.hpp). Plain values; see docs/protocol.md for the wire form.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "minibroker/core/enums.hpp"
#include "minibroker/core/ids.hpp"
#include "minibroker/core/price.hpp"

namespace minibroker::ws {

// {"type":"new","id":1,"symbol":"ABC","side":"buy","order_type":"limit","tif":"gtc","price":"10.05","qty":100}
struct new_order_message {
  client_order_id id;
  std::string symbol;
  side order_side = side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::gtc;
  std::optional<std::string> price; // decimal text, converted with the instrument's tick
  quantity qty;
  std::optional<std::uint64_t> req; // the request's number on its order (resend detection)
  friend bool operator==(const new_order_message&, const new_order_message&) = default;
};

// {"type":"cancel","id":1,"symbol":"ABC"}
struct cancel_message {
  client_order_id id;
  std::string symbol;
  std::optional<std::uint64_t> req;
  friend bool operator==(const cancel_message&, const cancel_message&) = default;
};

// {"type":"replace","id":1,"symbol":"ABC","price":"10.10","qty":50}  (price, qty or both)
struct replace_message {
  client_order_id id;
  std::string symbol;
  std::optional<std::string> price;
  std::optional<quantity> qty;
  std::optional<std::uint64_t> req;
  friend bool operator==(const replace_message&, const replace_message&) = default;
};

using order_message = std::variant<new_order_message, cancel_message, replace_message>;

// Which request a message is: "new", "cancel", "replace" on the wire.
enum class request_kind : std::uint8_t { new_order, cancel, replace };
std::string_view to_string(request_kind k) noexcept;

[[nodiscard]] inline request_kind kind_of(const order_message& m) noexcept {
  return static_cast<request_kind>(m.index());
}
[[nodiscard]] inline client_order_id client_id_of(const order_message& m) noexcept {
  return std::visit([](const auto& x) { return x.id; }, m);
}
// "req": the client's number for this request among the requests on its order (1 for the new
// order, 2 for the first cancel or replace, ...), kept when the request is sent again after a
// reconnect, so the exchange can tell a resend from a new request (docs/protocol.md, resync).
[[nodiscard]] inline std::optional<std::uint64_t> request_number_of(const order_message& m) noexcept {
  return std::visit([](const auto& x) { return x.req; }, m);
}

// On /ws/quotes: {"type":"subscribe","symbols":["ABC","XYZ"]}: from now on only these symbols
// (an empty list or no "symbols": all of them).
struct quote_subscription {
  std::vector<std::string> symbols;
};

} // namespace minibroker::ws
