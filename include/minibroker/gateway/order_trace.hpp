#pragma once
// The times an order request passes each stage of the order flow, carried with the request and
// copied onto every execution report it causes, so the broker can tell per-stage latency when a
// report comes back. A zero timestamp is "not stamped".

#include <variant>

#include "minibroker/core/clock.hpp"
#include "minibroker/core/records.hpp"

namespace minibroker {

struct order_trace {
  // When the frontend's order was due: the sim's producer stamps the time it was scheduled for, so
  // that end-to-end latency includes any lateness in sending it; left empty, the order handler
  // stamps its own arrival.
  timestamp frontend_sent;
  timestamp broker_received;   // the broker's order handler accepted it
  timestamp exchange_received; // the exchange's orders processor accepted it
  timestamp matched;           // the matcher processed it
  timestamp report_received;   // (on reports) the broker received the report from its gateway
};

// A request as it travels from a frontend to the matcher.
using order_request = std::variant<new_order_request, cancel_request, replace_request>;

struct traced_request {
  order_request request;
  order_trace trace;
};

// An execution report as it travels back, with the trace of the request that caused it.
struct traced_report {
  execution_report report;
  order_trace trace;
};

// The institution and client order id a request is about.
[[nodiscard]] inline institution_id institution_of(const order_request& r) noexcept {
  return std::visit([](const auto& x) { return x.institution; }, r);
}
[[nodiscard]] inline client_order_id client_id_of(const order_request& r) noexcept {
  return std::visit([](const auto& x) { return x.id; }, r);
}
[[nodiscard]] inline instrument_id instrument_of(const order_request& r) noexcept {
  return std::visit([](const auto& x) { return x.instrument; }, r);
}

} // namespace minibroker
