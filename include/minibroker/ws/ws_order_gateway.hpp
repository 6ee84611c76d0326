#pragma once
// The order seam (gateway/order_gateway.hpp) over WebSocket: one institution's /ws/order and
// /ws/order/update/{institution}, so a broker cannot tell it from the in-process gateway.
//
// Connecting: the instruments first (/ws/instruments, for symbols and tick sizes), then the two
// order connections with the institution's token; the report stream resumes from the report after
// the last one delivered (?from=), so a reconnect loses and repeats nothing. Requests sent while
// disconnected wait; requests without an ack or reject yet are sent again after reconnecting, in
// their order. Each request carries its number on its order ("req", the same when resent), so the
// exchange executes a resend of a request it already had no second time and only answers it
// again; its reports come once, through the resumed report stream. So each request takes effect
// once and the broker hears each report once. A connection that drops is retried with backoff
// (client_config).
//
// Traces: reports carry the trace of the latest request sent for their client order id.
//
// Thread safety: as order_gateway. Lifetime: as ws_market_data_feed.

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "minibroker/gateway/order_gateway.hpp"
#include "minibroker/ws/client_config.hpp"

namespace minibroker::ws {

struct gateway_client_stats {
  std::uint64_t connects = 0;           // order and report connections opened
  std::uint64_t disconnects = 0;        // connections that ended or failed to open
  std::uint64_t resent = 0;             // requests sent again after a reconnect
  std::uint64_t reports = 0;            // reports delivered to the listener
  std::uint64_t duplicates_dropped = 0; // reports already delivered (seq not above the last one)
  std::uint64_t bad_messages = 0;       // messages that did not decode
  std::uint64_t last_seq = 0;           // the last report number delivered
  std::uint64_t unanswered = 0;         // requests taken and not yet acked or rejected (sent or waiting)
};

class ws_order_gateway final : public order_gateway {
public:
  // `name` and `token`: the institution as the exchange knows it.
  ws_order_gateway(const boost::asio::any_io_executor& executor, client_config config, institution_id institution,
                   std::string name, std::string token);
  ~ws_order_gateway() override;
  ws_order_gateway(const ws_order_gateway&) = delete;
  ws_order_gateway& operator=(const ws_order_gateway&) = delete;

  [[nodiscard]] institution_id institution() const noexcept override { return institution_; }
  // Connects.
  void set_listener(report_listener& listener, const boost::asio::any_io_executor& executor) override;
  void send(const traced_request& request) override;

  [[nodiscard]] gateway_client_stats stats() const;

  struct impl; // private: src/ws/ws_order_gateway.cpp

private:
  institution_id institution_;
  std::shared_ptr<impl> impl_;
};

} // namespace minibroker::ws
