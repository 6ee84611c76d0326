#pragma once
// A simulation transport (sim/transport.hpp) over WebSocket on loopback: an exchange_server on
// 127.0.0.1 with an OS-chosen port in front of the simulation's exchange, one ws_market_data_feed
// shared by the brokers and a ws_order_gateway per institution (with the institution's token from
// the exchange's config). `minibroker sim --transport ws` runs on it.
//
// Thread safety: as sim_transport (one thread). Lifetime: the exchange must outlive it.

#include <memory>
#include <vector>

#include "minibroker/sim/transport.hpp"

namespace minibroker::ws {

class exchange_server;
class ws_market_data_feed;
class ws_order_gateway;

class loopback_transport final : public sim_transport {
public:
  // Starts the server.
  loopback_transport(boost::asio::io_context& io, exchange& ex);
  ~loopback_transport() override;
  loopback_transport(const loopback_transport&) = delete;
  loopback_transport& operator=(const loopback_transport&) = delete;

  [[nodiscard]] market_data_feed& feed() override;
  [[nodiscard]] order_gateway& connect(const institution_spec& who) override;
  void close() override;

  // For simulation's constructor.
  [[nodiscard]] static sim_transport_factory factory();

private:
  boost::asio::io_context& io_;
  std::unique_ptr<exchange_server> server_;
  std::unique_ptr<ws_market_data_feed> feed_;
  std::vector<std::unique_ptr<ws_order_gateway>> gateways_;
};

} // namespace minibroker::ws
