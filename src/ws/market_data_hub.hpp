#pragma once
// Internal: the exchange's feed, as the server hears it (on its strand), fanned out to the
// /ws/instruments and /ws/quotes connections. Each update is encoded once and shared; each
// connection queues it keyed by instrument, so a slow one gets the latest per symbol.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "minibroker/gateway/market_data_feed.hpp"
#include "minibroker/ws/order_translation.hpp"
#include "server_counters.hpp"
#include "shared_text.hpp"

namespace minibroker::ws::detail {

class ws_session;
class quotes_session;

class market_data_hub final : public feed_listener {
public:
  using message = shared_text;

  explicit market_data_hub(instrument_directory& instruments) : instruments_(instruments) {}

  void on_instrument(const instrument& update) override;
  void on_quote(const quote& update) override;

  // Sends the snapshot (every instrument, then snapshot_end) and registers for updates.
  void add_instruments_reader(const std::shared_ptr<ws_session>& s);
  // Registers for quote updates (the session asks for its snapshot with send_quote_snapshot()).
  void add_quotes_reader(const std::shared_ptr<quotes_session>& s);
  void remove(const ws_session* s);
  // The latest quote of every instrument `s` wants, then snapshot_end.
  void send_quote_snapshot(quotes_session& s) const;

private:
  std::size_t slot(const instrument& i);

  instrument_directory& instruments_;
  std::vector<message> latest_instrument_; // by directory index
  std::vector<message> latest_quote_;      // by directory index; empty until the first quote
  std::vector<std::weak_ptr<ws_session>> instrument_readers_;
  std::vector<std::weak_ptr<quotes_session>> quote_readers_;
};

} // namespace minibroker::ws::detail
