#pragma once
// Internal: one institution's attached session: where its execution reports go.

#include <atomic>

#include <boost/asio/any_io_executor.hpp>

#include "minibroker/gateway/order_gateway.hpp"

namespace minibroker::exchange_detail {

// Shared by the orders API (which flips `active` at once on detach, from any thread), the
// processor's session table, and every report posted to the listener's executor, which calls the
// listener only while `active` holds: after detach() returns, the listener hears nothing more.
struct session {
  session(report_listener& l, boost::asio::any_io_executor e) : listener(&l), executor(std::move(e)) {}
  report_listener* listener;
  boost::asio::any_io_executor executor;
  std::atomic<bool> active{true};
};

} // namespace minibroker::exchange_detail
