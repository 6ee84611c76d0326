#include "minibroker/broker/market_data_connector.hpp"

#include "minibroker/broker/topology.hpp"

namespace minibroker {

void market_data_connector::on_instrument(const instrument& update) {
  ++stats_.instruments_received;
  stats_.instruments.record(bus_.publish(topic_, broker_names::instrument_updated_key, update));
}

void market_data_connector::on_quote(const quote& update) {
  ++stats_.quotes_received;
  stats_.quotes.record(bus_.publish(topic_, broker_names::quote_updated_key, update));
}

} // namespace minibroker
