#pragma once
// How a simulation's brokers reach its exchange when not in process: a market data feed for all of
// them and an order gateway per institution, in front of the simulation's own exchange. The
// WebSocket part provides one over loopback (ws/loopback_transport.hpp); `minibroker sim
// --transport ws` passes it to the simulation.
//
// Thread safety: everything on the simulation's io_context thread (ws transport: one thread).

#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "minibroker/exchange/config.hpp"
#include "minibroker/gateway/market_data_feed.hpp"
#include "minibroker/gateway/order_gateway.hpp"

namespace minibroker {

class exchange;

class sim_transport {
public:
  virtual ~sim_transport() = default;
  [[nodiscard]] virtual market_data_feed& feed() = 0;
  // The gateway of one of the exchange's institutions; the transport owns it.
  [[nodiscard]] virtual order_gateway& connect(const institution_spec& who) = 0;
  // Once the run has drained and the brokers have stopped: closes the connections and whatever
  // else keeps the io_context busy. The feed and gateways are unusable afterwards.
  virtual void close() = 0;
};

// Builds a transport in front of `ex` on io (called once the exchange exists).
using sim_transport_factory = std::function<std::unique_ptr<sim_transport>(boost::asio::io_context& io, exchange& ex)>;

} // namespace minibroker
