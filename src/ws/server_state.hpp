#pragma once
// Internal: everything the server shares between its connections. Lives on the server's strand
// (except the counters, and the atomics below), shared by the sessions that use it.

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "beast.hpp"
#include "market_data_hub.hpp"
#include "minibroker/exchange/exchange.hpp"
#include "minibroker/ws/exchange_server.hpp"
#include "minibroker/ws/order_translation.hpp"
#include "order_hub.hpp"
#include "server_counters.hpp"

namespace minibroker::ws {

struct exchange_server::state : std::enable_shared_from_this<exchange_server::state> {
  state(boost::asio::io_context& io, exchange& ex, server_config config);

  void do_accept();
  void on_accept(detail::beast::error_code ec, detail::tcp::socket socket);
  // Registers a session for stop(); forgets the ones that ended.
  void track(const std::shared_ptr<detail::ws_session>& s);
  // On the strand: closes the acceptor and every connection.
  void shut_down();
  // On the strand: closes every WebSocket connection (1001).
  void close_sessions();
  // Detaches from the exchange (thread-safe, idempotent).
  void detach();

  [[nodiscard]] detail::institution_channel* channel_by_token(std::string_view token) noexcept;
  [[nodiscard]] detail::institution_channel* channel_by_name(std::string_view name) noexcept;

  boost::asio::strand<boost::asio::io_context::executor_type> strand;
  exchange& ex;
  server_config config;
  detail::server_counters counters;
  instrument_directory instruments; // the strand's after start()
  detail::market_data_hub market;
  std::vector<std::unique_ptr<detail::institution_channel>> channels;
  detail::tcp::acceptor acceptor;
  std::vector<std::weak_ptr<detail::ws_session>> sessions;
  std::string bound_address;
  std::atomic<std::uint16_t> bound_port{0};
  std::atomic<bool> attached{false};
  bool accepting = false;
};

} // namespace minibroker::ws
