#pragma once
// The seam for market data between an exchange and a broker: the broker reads instruments and
// quotes through this interface, whether the exchange is in the same process
// (exchange/in_process_gateway.hpp) or behind a WebSocket.

#include <boost/asio/any_io_executor.hpp>

#include "minibroker/core/records.hpp"

namespace minibroker {

// Receives a feed's data. Callbacks run on the executor given to subscribe(), never concurrently.
class feed_listener {
public:
  virtual ~feed_listener() = default;
  virtual void on_instrument(const instrument& update) = 0;
  virtual void on_quote(const quote& update) = 0;
};

// Thread safety: subscribe/unsubscribe from any thread.
class market_data_feed {
public:
  virtual ~market_data_feed() = default;
  // Starts the stream for `listener`: first every instrument and the latest quote of each (the
  // snapshot), then each update as it happens. The listener must outlive its subscription.
  virtual void subscribe(feed_listener& listener, const boost::asio::any_io_executor& executor) = 0;
  // Stops the stream. Callbacks already queued on the listener's executor may still run, so
  // call it from that executor, where none is running.
  virtual void unsubscribe(feed_listener& listener) = 0;
};

} // namespace minibroker
