#pragma once
// The WebSocket load bench's clients (bench/ws_load.cpp), all on one io_context thread, the same
// code whichever server they talk to:
//   quote_reader  one /ws/quotes connection: reads every message, decodes it with the broker's
//                 decoder (decode_server_message) and counts the quotes
//   order_client  one /ws/order connection: keeps `window` new orders in flight, decodes each
//                 answer and records the round trip from the send to its ack (or reject)
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <fmt/format.h>

#include "minibroker/ws/client_decode.hpp"
#include "minibroker/ws/encode.hpp"

namespace minibroker::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using bench_clock = std::chrono::steady_clock;

// Connects and upgrades one WebSocket client; `on_open(ok)` once.
inline void open_ws(websocket::stream<beast::tcp_stream>& ws, std::uint16_t port, const std::string& target,
                    const std::string& bearer, std::function<void(bool)> on_open) {
  auto& socket = beast::get_lowest_layer(ws);
  socket.async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
      [&ws, port, target, bearer, on_open = std::move(on_open)](beast::error_code ec) mutable {
        if (ec) {
          on_open(false);
          return;
        }
        if (!bearer.empty()) {
          ws.set_option(websocket::stream_base::decorator([auth = "Bearer " + bearer](websocket::request_type& req) {
            req.set(beast::http::field::authorization, auth);
          }));
        }
        ws.async_handshake(fmt::format("127.0.0.1:{}", port), target,
                           [&ws, on_open = std::move(on_open)](beast::error_code hec) {
                             ws.text(true);
                             on_open(!hec);
                           });
      });
}

// Reads the socket in bulk and splits the frames itself: Beast's async_read completes once per
// message, through the loop, which would make the client (not the server) the bottleneck.
class quote_reader : public std::enable_shared_from_this<quote_reader> {
public:
  // `capture`: keeps the text of the first `capture_max` quotes there (for the Node server).
  quote_reader(asio::io_context& io, const ws::instrument_directory& instruments,
               std::vector<std::string>* capture = nullptr, std::size_t capture_max = 0)
      : socket_(io), instruments_(instruments), capture_(capture), capture_max_(capture_max), bytes_(1 << 20) {}

  void start(std::uint16_t port, const std::string& target, std::function<void(bool)> on_open) {
    on_open_ = std::move(on_open);
    socket_.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                          [self = shared_from_this(), port, target](beast::error_code ec) {
                            if (ec) {
                              self->on_open_(false);
                              return;
                            }
                            self->upgrade(port, target);
                          });
  }
  void stop() {
    stopped_ = true;
    beast::error_code ignored;
    socket_.close(ignored);
  }

  [[nodiscard]] std::uint64_t quotes() const noexcept { return quotes_; }
  [[nodiscard]] std::uint64_t undecodable() const noexcept { return undecodable_; }

private:
  void upgrade(std::uint16_t port, const std::string& target) {
    request_.method(beast::http::verb::get);
    request_.target(target);
    request_.version(11);
    request_.set(beast::http::field::host, fmt::format("127.0.0.1:{}", port));
    request_.set(beast::http::field::upgrade, "websocket");
    request_.set(beast::http::field::connection, "Upgrade");
    request_.set(beast::http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    request_.set(beast::http::field::sec_websocket_version, "13");
    beast::http::async_write(socket_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->on_open_(false);
        return;
      }
      beast::http::async_read(self->socket_, self->handshake_buffer_, self->response_,
                              [self](beast::error_code rec, std::size_t) { self->on_upgraded(rec); });
    });
  }
  void on_upgraded(beast::error_code ec) {
    const bool ok = !ec && response_.result() == beast::http::status::switching_protocols;
    on_open_(ok);
    if (!ok) {
      return;
    }
    // Frames that came with the response.
    const auto rest = handshake_buffer_.cdata();
    std::memcpy(bytes_.data(), rest.data(), rest.size());
    have_ = rest.size();
    split();
    do_read();
  }
  void do_read() {
    socket_.async_read_some(asio::buffer(bytes_.data() + have_, bytes_.size() - have_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec || self->stopped_) {
                                return;
                              }
                              self->have_ += n;
                              self->split();
                              self->do_read();
                            });
  }
  // Decodes every whole frame in bytes_ (server frames are unmasked) and keeps the partial rest.
  void split() {
    std::size_t at = 0;
    for (;;) {
      if (have_ - at < 2) {
        break;
      }
      const auto* p = reinterpret_cast<const unsigned char*>(bytes_.data() + at);
      std::size_t header = 2;
      std::uint64_t length = p[1] & 0x7f;
      if (length == 126) {
        header = 4;
        if (have_ - at < header) {
          break;
        }
        length = (std::uint64_t{p[2]} << 8) | p[3];
      } else if (length == 127) {
        header = 10;
        if (have_ - at < header) {
          break;
        }
        length = 0;
        for (int i = 2; i < 10; ++i) {
          length = (length << 8) | p[i];
        }
      }
      if (have_ - at < header + length) {
        break;
      }
      const bool whole_text = p[0] == 0x81; // FIN, text; control frames (opcode >= 8) are skipped
      if (whole_text) {
        on_message(std::string_view(bytes_.data() + at + header, length));
      } else if ((p[0] & 0x0f) < 8) {
        ++undecodable_; // fragments: neither server fragments messages this small
      }
      at += header + length;
    }
    std::memmove(bytes_.data(), bytes_.data() + at, have_ - at);
    have_ -= at;
  }
  void on_message(std::string_view text) {
    const auto m = ws::decode_server_message(text, instruments_);
    if (m && std::holds_alternative<quote>(*m)) {
      ++quotes_;
      if (capture_ != nullptr && capture_->size() < capture_max_) {
        capture_->emplace_back(text);
      }
    } else if (!m) {
      ++undecodable_;
    }
  }

  tcp::socket socket_;
  const ws::instrument_directory& instruments_;
  std::vector<std::string>* capture_;
  std::size_t capture_max_;
  std::function<void(bool)> on_open_;
  beast::http::request<beast::http::empty_body> request_;
  beast::http::response<beast::http::string_body> response_;
  beast::flat_buffer handshake_buffer_;
  std::vector<char> bytes_;
  std::size_t have_ = 0;
  std::uint64_t quotes_ = 0;
  std::uint64_t undecodable_ = 0;
  bool stopped_ = false;
};

// Alternating buy and sell limit orders of one lot at the instrument's reference price: every
// sell fills the buy before it, so the book stays small and half the orders trade.
class order_client : public std::enable_shared_from_this<order_client> {
public:
  order_client(asio::io_context& io, const ws::instrument_directory& instruments, const instrument& traded,
               std::uint64_t first_id, std::size_t window)
      : ws_(io), instruments_(instruments), traded_(traded), next_id_(first_id), window_(window) {}

  void start(std::uint16_t port, const std::string& bearer, std::function<void(bool)> on_open) {
    open_ws(ws_, port, "/ws/order", bearer, [self = shared_from_this(), on_open = std::move(on_open)](bool ok) {
      on_open(ok);
      if (ok) {
        self->do_read();
        self->fill_window();
      }
    });
  }
  // Sends nothing more; answers still come and are counted.
  void stop_sending() { sending_ = false; }
  void stop() {
    sending_ = false;
    stopped_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  [[nodiscard]] std::uint64_t answered() const noexcept { return answered_; }
  [[nodiscard]] std::uint64_t rejected() const noexcept { return rejected_; }
  [[nodiscard]] std::uint64_t undecodable() const noexcept { return undecodable_; }
  // Round trips in nanoseconds of the answers recorded since the last call.
  std::vector<std::int64_t> take_latencies() { return std::exchange(latencies_, {}); }

private:
  void fill_window() {
    while (sending_ && in_flight_ < window_) {
      const auto id = next_id_++;
      new_order_request r;
      r.id = client_order_id{id};
      r.instrument = traded_.id;
      r.side = (id % 2 == 0) ? side::buy : side::sell;
      r.limit_price = traded_.reference_price;
      r.qty = traded_.lot_size;
      pending_.emplace_back(id, bench_clock::now());
      outbox_.push_back(ws::encode_request(order_request{r}, traded_));
      ++in_flight_;
    }
    do_write();
  }
  void do_write() {
    if (writing_ || outbox_.empty() || stopped_) {
      return;
    }
    writing_ = true;
    ws_.async_write(asio::buffer(outbox_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (ec) {
        return;
      }
      self->outbox_.pop_front();
      self->do_write();
    });
  }
  void do_read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }
  void on_read(beast::error_code ec) {
    if (ec || stopped_) {
      return;
    }
    const auto data = buffer_.cdata();
    const auto m =
        ws::decode_server_message(std::string_view(static_cast<const char*>(data.data()), data.size()), instruments_);
    buffer_.consume(buffer_.size());
    std::optional<client_order_id> id;
    if (m && std::holds_alternative<ws::ack_message>(*m)) {
      id = std::get<ws::ack_message>(*m).id;
    } else if (m && std::holds_alternative<ws::reject_message>(*m)) {
      id = std::get<ws::reject_message>(*m).id;
      ++rejected_;
    } else {
      ++undecodable_;
    }
    // Answers come in the order of the requests (one connection, one exchange strand).
    while (id && !pending_.empty() && pending_.front().first < id->value()) {
      pending_.pop_front();
    }
    if (id && !pending_.empty() && pending_.front().first == id->value()) {
      latencies_.push_back((bench_clock::now() - pending_.front().second).count());
      pending_.pop_front();
      ++answered_;
      --in_flight_;
      fill_window();
    }
    do_read();
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  const ws::instrument_directory& instruments_;
  const instrument& traded_;
  std::uint64_t next_id_;
  std::size_t window_;
  std::size_t in_flight_ = 0;
  std::deque<std::pair<std::uint64_t, bench_clock::time_point>> pending_; // id, sent
  std::deque<std::string> outbox_;
  std::vector<std::int64_t> latencies_;
  std::uint64_t answered_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t undecodable_ = 0;
  bool writing_ = false;
  bool sending_ = true;
  bool stopped_ = false;
};

} // namespace minibroker::bench
