#pragma once
// market_data_connector: the broker's end of the market data feed. Each instrument the feed
// delivers is published on MARKET_DATA_TOPIC as "instrument.updated" (payload: instrument), each
// quote as "quote.updated" (payload: quote); INSTRUMENTS_QUEUE and QUOTES_QUEUE carry them to the
// market_data_consumer. A publish that a full queue refuses is counted (stats()), never retried:
// the feed will send a newer value.
//
// Thread safety: none inside. The feed calls it on the broker's executor (subscribe() is given
// that executor); stats() from the same executor.

#include "minibroker/broker/stats.hpp"
#include "minibroker/bus/bus.hpp"
#include "minibroker/gateway/market_data_feed.hpp"

namespace minibroker {

class market_data_connector final : public feed_listener {
public:
  // topic is MARKET_DATA_TOPIC on bus; bus must outlive the connector.
  market_data_connector(bus::bus& bus, bus::topic_ref topic) noexcept : bus_(bus), topic_(topic) {}

  void on_instrument(const instrument& update) override;
  void on_quote(const quote& update) override;

  [[nodiscard]] const market_data_connector_stats& stats() const noexcept { return stats_; }

private:
  bus::bus& bus_;
  bus::topic_ref topic_;
  market_data_connector_stats stats_;
};

} // namespace minibroker
