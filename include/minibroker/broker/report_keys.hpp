#pragma once
// The routing key of an execution report published for frontends: "order.report.<status>",
// where <status> is to_string(order_status) ("order.report.new", "order.report.filled", ...).
// Spelled out as literals so publishing a report builds no string.

#include <string_view>

#include "minibroker/core/enums.hpp"

namespace minibroker::broker_names {

[[nodiscard]] constexpr std::string_view report_routing_key(order_status status) noexcept {
  switch (status) {
  case order_status::pending_new: return "order.report.pending_new";
  case order_status::new_order: return "order.report.new";
  case order_status::partially_filled: return "order.report.partially_filled";
  case order_status::filled: return "order.report.filled";
  case order_status::cancelled: return "order.report.cancelled";
  case order_status::rejected: return "order.report.rejected";
  case order_status::expired: return "order.report.expired";
  }
  return "order.report.unknown";
}

} // namespace minibroker::broker_names
