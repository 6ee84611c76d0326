#pragma once
// The seam for orders between a broker and an exchange: one institution's connection. The
// broker sends requests and receives execution reports through it, whether the exchange is in
// the same process (exchange/in_process_gateway.hpp) or behind a WebSocket.

#include <boost/asio/any_io_executor.hpp>

#include "minibroker/gateway/order_trace.hpp"

namespace minibroker {

// Receives the institution's execution reports, in the order the exchange sent them, on the
// executor given to the gateway. Every request sent gets at least one report (a reject if
// nothing else).
class report_listener {
public:
  virtual ~report_listener() = default;
  virtual void on_report(const traced_report& report) = 0;
};

// Thread safety: send() from the broker's executor (one caller at a time); set_listener() at
// set-up, before the first send.
class order_gateway {
public:
  virtual ~order_gateway() = default;
  [[nodiscard]] virtual institution_id institution() const noexcept = 0;
  virtual void set_listener(report_listener& listener, const boost::asio::any_io_executor& executor) = 0;
  // Hands a request to the exchange. The request's institution must be this gateway's; the
  // exchange rejects it (unknown_institution) otherwise.
  virtual void send(const traced_request& request) = 0;
};

} // namespace minibroker
