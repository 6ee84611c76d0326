#pragma once
// Internal: one accepted TCP connection while it speaks HTTP. Answers GET /health and
// GET /metrics (keep-alive), and hands a WebSocket upgrade to the endpoint's session once the
// path, the token and the Origin check out; refuses it otherwise with the status of a refusal
// and a JSON body {"error":..,"text":..}.

#include <memory>
#include <optional>

#include "beast.hpp"
#include "minibroker/ws/exchange_server.hpp"

namespace minibroker::ws::detail {

class http_session : public std::enable_shared_from_this<http_session> {
public:
  http_session(tcp::socket&& socket, std::shared_ptr<exchange_server::state> state);
  void run();

private:
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
  void route(request req);
  void upgrade(request req);
  void respond(http::status status, std::string_view content_type, std::string body, bool keep_alive);
  void refuse(refusal why, std::string_view text, bool keep_alive);

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<exchange_server::state> state_;
  std::shared_ptr<const http::response<http::string_body>> response_;
};

} // namespace minibroker::ws::detail
