#include "minibroker/ws/loopback_transport.hpp"

#include <stdexcept>

#include "minibroker/ws/exchange_server.hpp"
#include "minibroker/ws/ws_market_data_feed.hpp"
#include "minibroker/ws/ws_order_gateway.hpp"

namespace minibroker::ws {
namespace {

client_config client_of(const exchange_server& server) {
  client_config c;
  c.host = server.address();
  c.port = server.port();
  return c;
}

} // namespace

loopback_transport::loopback_transport(boost::asio::io_context& io, exchange& ex) : io_(io) {
  server_config config;
  config.address = "127.0.0.1";
  config.port = 0;
  server_ = std::make_unique<exchange_server>(io_, ex, config);
  server_->start();
  feed_ = std::make_unique<ws_market_data_feed>(io_.get_executor(), client_of(*server_));
}

loopback_transport::~loopback_transport() = default;

market_data_feed& loopback_transport::feed() {
  if (!feed_) {
    throw std::logic_error("loopback_transport: closed");
  }
  return *feed_;
}

order_gateway& loopback_transport::connect(const institution_spec& who) {
  if (!server_) {
    throw std::logic_error("loopback_transport: closed");
  }
  return *gateways_.emplace_back(
      std::make_unique<ws_order_gateway>(io_.get_executor(), client_of(*server_), who.id, who.name, who.token));
}

void loopback_transport::close() {
  gateways_.clear();
  feed_.reset();
  if (server_) {
    server_->stop();
  }
}

sim_transport_factory loopback_transport::factory() {
  return [](boost::asio::io_context& io, exchange& ex) -> std::unique_ptr<sim_transport> {
    return std::make_unique<loopback_transport>(io, ex);
  };
}

} // namespace minibroker::ws
