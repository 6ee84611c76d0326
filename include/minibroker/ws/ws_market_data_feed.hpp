#pragma once
// The market data seam (gateway/market_data_feed.hpp) over WebSocket: the exchange's
// /ws/instruments and /ws/quotes, decoded into the same instrument and quote records the
// in-process feed gives, so a broker cannot tell the two apart.
//
// One pair of connections serves every subscriber. The feed keeps the latest instrument and quote
// of each instrument, so a subscriber gets the snapshot the contract promises (every instrument,
// then the latest quote of each, then updates) whenever it subscribes. When a connection drops the
// feed reconnects with backoff (client_config); the snapshot that the server sends on reconnecting
// reaches subscribers as updates (quotes conflated meanwhile: sequence numbers jump).
//
// Thread safety: as market_data_feed. Lifetime: destroy it when the io_context is not running or
// from a thread other than the one running it after unsubscribing everyone; pending handlers keep
// the internals alive and do nothing once it is gone.

#include <cstdint>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "minibroker/gateway/market_data_feed.hpp"
#include "minibroker/ws/client_config.hpp"

namespace minibroker::ws {

struct feed_client_stats {
  std::uint64_t connects = 0;     // WebSocket connections opened (both endpoints)
  std::uint64_t disconnects = 0;  // connections that ended or failed to open
  std::uint64_t instruments = 0;  // instrument messages received
  std::uint64_t quotes = 0;       // quote messages received
  std::uint64_t bad_messages = 0; // messages that did not decode (skipped)
};

class ws_market_data_feed final : public market_data_feed {
public:
  ws_market_data_feed(const boost::asio::any_io_executor& executor, client_config config);
  ~ws_market_data_feed() override;
  ws_market_data_feed(const ws_market_data_feed&) = delete;
  ws_market_data_feed& operator=(const ws_market_data_feed&) = delete;

  // The first subscription opens the connections.
  void subscribe(feed_listener& listener, const boost::asio::any_io_executor& executor) override;
  void unsubscribe(feed_listener& listener) override;

  [[nodiscard]] feed_client_stats stats() const;

  struct impl; // private: src/ws/ws_market_data_feed.cpp

private:
  std::shared_ptr<impl> impl_;
};

} // namespace minibroker::ws
