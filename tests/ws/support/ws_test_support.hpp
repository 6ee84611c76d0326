#pragma once
// Test helpers for the WebSocket server: an exchange and its server on a real-time loop run by a
// background thread, and blocking Beast clients (WebSocket and HTTP) on loopback.

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "minibroker/core/decimal.hpp"
#include "minibroker/exchange/exchange.hpp"
#include "minibroker/sim/schedulers.hpp"
#include "minibroker/ws/client_config.hpp"
#include "minibroker/ws/exchange_server.hpp"

namespace minibroker::ws::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace json = boost::json;
using tcp = boost::asio::ip::tcp;

inline exchange_config members(std::size_t instruments = 3, double quotes_per_second = 0) {
  exchange_config c;
  c.seed = 11;
  c.instruments = instruments;
  c.quotes_per_second = quotes_per_second;
  c.status_change_probability = 0;
  c.institutions = {{institution_id{1}, "alpha", "secret-a"}, {institution_id{2}, "bravo", "secret-b"}};
  c.log = logger::silent();
  return c;
}

// The Authorization header of each member institution.
inline const std::vector<std::pair<std::string, std::string>> alpha_auth{{"Authorization", "Bearer secret-a"}};
inline const std::vector<std::pair<std::string, std::string>> bravo_auth{{"Authorization", "Bearer secret-b"}};

// An exchange and its server on 127.0.0.1 with an OS-chosen port, the loop on its own thread.
struct server_fixture {
  explicit server_fixture(exchange_config ec = members(), server_config sc = {})
      : ex(io, sched, std::move(ec)), server(io, ex, std::move(sc)) {
    ex.start();
    server.start();
    thread = std::thread([this] { io.run(); });
  }
  ~server_fixture() {
    server.stop();
    std::promise<void> stopped;
    asio::post(ex.executor(), [&] {
      ex.stop();
      sched.stop();
      stopped.set_value();
    });
    stopped.get_future().wait();
    guard.reset();
    io.stop();
    thread.join();
  }
  server_fixture(const server_fixture&) = delete;
  server_fixture& operator=(const server_fixture&) = delete;

  [[nodiscard]] std::uint16_t port() const { return server.port(); }
  // What a broker-side client (feed, order gateway) needs to reach this server.
  [[nodiscard]] client_config client() const {
    client_config c;
    c.port = port();
    return c;
  }
  // Read before the loop runs or from tests: instruments never change but for their status.
  [[nodiscard]] const instrument& definition(std::uint32_t id) const {
    return ex.instruments().find(instrument_id{id})->value;
  }
  [[nodiscard]] std::string px(std::uint32_t id, std::int64_t ticks_from_ref = 0) const {
    const auto& i = definition(id);
    return format_price(i.reference_price + price{ticks_from_ref}, i.tick_size);
  }

  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
  real_clock clock;
  real_scheduler sched{io.get_executor(), clock};
  exchange ex;
  exchange_server server;
  std::thread thread;
};

// Waits (without sleeping a fixed time) until `done()` holds, for at most 10 seconds.
template <class Pred>
bool eventually(Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::yield();
  }
  return true;
}

struct http_reply {
  unsigned status = 0;
  std::string body;
};

// The server's answer to an upgrade it refused, or the client it accepted.
class ws_client {
public:
  // Connects and upgrades; headers as name/value pairs. receive_buffer > 0 sets SO_RCVBUF first.
  ws_client(std::uint16_t port, const std::string& target,
            std::vector<std::pair<std::string, std::string>> headers = {}, int receive_buffer = 0)
      : ws_(ioc_) {
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.open(tcp::v4());
    if (receive_buffer > 0) {
      socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    }
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view /*payload*/) {
      pings_ += kind == websocket::frame_type::ping ? 1 : 0;
    });
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      for (const auto& [k, v] : headers) {
        req.set(k, v);
      }
    }));
    websocket::response_type res;
    beast::error_code ec;
    ws_.handshake(res, fmt::format("127.0.0.1:{}", port), target, ec);
    status_ = res.result_int();
    refusal_body_ = res.body().empty() ? std::string{} : res.body();
    accepted_ = !ec;
  }

  [[nodiscard]] bool accepted() const noexcept { return accepted_; }
  // Pings the server sent (Beast answers each during a read).
  [[nodiscard]] std::size_t pings() const noexcept { return pings_; }
  [[nodiscard]] unsigned status() const noexcept { return status_; }

  void send(const std::string& text) {
    ws_.text(true);
    ws_.write(asio::buffer(text));
  }
  // Later messages go in frames of at most `bytes` bytes (Beast fragments them).
  void fragment(std::size_t bytes) {
    ws_.auto_fragment(true);
    ws_.write_buffer_bytes(bytes);
  }
  void send_binary(const std::string& bytes) {
    ws_.binary(true);
    ws_.write(asio::buffer(bytes));
  }
  // The next message, or nullopt when the connection ended (close_code() tells how).
  std::optional<std::string> read() {
    beast::flat_buffer buffer;
    beast::error_code ec;
    ws_.read(buffer, ec);
    if (ec) {
      ended_ = ec;
      return std::nullopt;
    }
    return beast::buffers_to_string(buffer.data());
  }
  json::object read_json() {
    auto text = read();
    REQUIRE(text.has_value());
    return json::parse(*text).as_object();
  }
  // Reads until a message of `type` comes (the others are kept in skipped()).
  json::object read_type(std::string_view type) {
    for (;;) {
      auto m = read_json();
      if (m.at("type").as_string() == type) {
        return m;
      }
      skipped_.push_back(std::move(m));
    }
  }
  [[nodiscard]] std::uint16_t close_code() const { return ws_.reason().code; }
  [[nodiscard]] std::string close_reason() const { return std::string(ws_.reason().reason.c_str()); }
  [[nodiscard]] beast::error_code ended() const { return ended_; }
  void close() { ws_.close(websocket::close_code::normal); }
  std::vector<json::object>& skipped() { return skipped_; }

private:
  asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  unsigned status_ = 0;
  std::string refusal_body_;
  bool accepted_ = false;
  std::size_t pings_ = 0;
  beast::error_code ended_;
  std::vector<json::object> skipped_;
};

inline http_reply http_get(std::uint16_t port, const std::string& target, http::verb verb = http::verb::get) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return {res.result_int(), res.body()};
}

inline std::string str(const json::object& o, std::string_view key) { return std::string(o.at(key).as_string()); }
inline std::int64_t num(const json::object& o, std::string_view key) { return o.at(key).to_number<std::int64_t>(); }

} // namespace minibroker::ws::testing
