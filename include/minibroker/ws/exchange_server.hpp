#pragma once
// The exchange's WebSocket server: one listener, HTTP and WebSocket on one port.
//
//   /ws/instruments               every instrument, then each update             (public)
//   /ws/quotes                    the latest quote of each instrument, then each  (public)
//                                 update; conflated per symbol for slow clients
//   /ws/order                     new, cancel, replace; an ack or a reject each   (token)
//   /ws/order/update/{institution} the institution's execution reports, numbered  (token)
//   GET /health, GET /metrics     liveness; Prometheus text
//
// docs/protocol.md describes every message, the auth, the limits and the close codes.
//
// The server runs on the exchange's io_context, on a strand of its own: every connection and all
// of the server's state live on it. It subscribes to the exchange's feed and attaches itself as
// the session of every institution in the exchange's config (so no other order gateway of the
// same exchange may be attached at the same time).
//
// Thread safety: start() before the io_context runs or from any one thread; stop(), port(),
// stats() and metrics_text() from any thread. Lifetime: the exchange outlives the server; destroy
// the server after stop() once the io_context has stopped running.

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "minibroker/ws/server_config.hpp"
#include "minibroker/ws/server_stats.hpp"

namespace minibroker {
class exchange;
}

namespace minibroker::ws {

class exchange_server {
public:
  exchange_server(boost::asio::io_context& io, exchange& ex, server_config config);
  ~exchange_server();
  exchange_server(const exchange_server&) = delete;
  exchange_server& operator=(const exchange_server&) = delete;

  // Binds and listens (throws boost::system::system_error when it cannot), subscribes to the
  // feed, attaches the institutions' sessions, starts accepting.
  void start();
  // Stops accepting, closes every connection (close code 1001), detaches from the exchange.
  void stop();
  // Closes every WebSocket connection (close code 1001) and goes on accepting: clients reconnect
  // and resume (fault tests, maintenance).
  void disconnect_all();

  // The bound port and address (after start()).
  [[nodiscard]] std::uint16_t port() const noexcept;
  [[nodiscard]] const std::string& address() const noexcept;

  [[nodiscard]] server_stats stats() const;
  // GET /metrics: the server's counters and the exchange's (bus, matcher, orders), Prometheus
  // text exposition format 0.0.4.
  [[nodiscard]] std::string metrics_text() const;

  struct state; // private: src/ws/server_state.hpp

private:
  std::shared_ptr<state> state_;
};

} // namespace minibroker::ws
