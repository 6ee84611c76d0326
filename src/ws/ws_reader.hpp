#pragma once
// Internal: a client WebSocket connection: resolves, connects, upgrades to `target` (with a bearer
// token when given), then hands every text message to on_message until the connection ends, when
// it calls on_end once (also when it never opened). send() queues text frames, one write in
// flight. Handlers run on the given strand; call send() and stop() there.

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "beast.hpp"
#include "minibroker/ws/client_config.hpp"

namespace minibroker::ws::detail {

class ws_reader : public std::enable_shared_from_this<ws_reader> {
public:
  using message_handler = std::function<void(std::string_view)>;
  using end_handler = std::function<void(beast::error_code)>;
  using open_handler = std::function<void()>;

  ws_reader(asio::any_io_executor strand, const client_config& config, std::string target, open_handler on_open,
            message_handler on_message, end_handler on_end, std::string bearer = {});
  void start();
  void send(std::shared_ptr<const std::string> text);
  // Ends the connection; on_end follows.
  void stop();

private:
  void on_resolve(beast::error_code ec, const tcp::resolver::results_type& results);
  void on_connect(beast::error_code ec, const tcp::endpoint& endpoint);
  void on_handshake(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void end(beast::error_code ec);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);

  client_config config_;
  std::string target_;
  open_handler on_open_;
  message_handler on_message_;
  end_handler on_end_;
  tcp::resolver resolver_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::string bearer_;
  std::deque<std::shared_ptr<const std::string>> outbox_;
  bool open_ = false;
  bool writing_ = false;
  bool ended_ = false;
};

} // namespace minibroker::ws::detail
