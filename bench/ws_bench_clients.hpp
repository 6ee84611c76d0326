#pragma once
// The WebSocket load bench's clients (bench/ws_load.cpp), all on one io_context thread, the same
// code whichever server they talk to:
//   quote_reader  one /ws/quotes connection: reads every message, decodes it with the broker's
//                 decoder (decode_server_message) and counts the quotes
//   order_client  one /ws/order connection: keeps `window` new orders in flight, decodes each
//                 answer and records the round trip from the send to its ack (or reject). Like a
//                 client built for throughput it writes the orders it has ready in one write (one
//                 system call for many frames) and reads the socket in bulk; one write or one
//                 message at a time made the client, not the server, the bound.
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "minibroker/ws/client_decode.hpp"
#include "minibroker/ws/encode.hpp"

namespace minibroker::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;
using bench_clock = std::chrono::steady_clock;

// A raw WebSocket client connection: upgrades with its own HTTP request, then reads the socket in
// bulk and splits the frames itself (Beast's async_read completes once per message, through the
// loop, which would make the client, not the server, the bottleneck). on_text() gets each whole
// text message; server frames are unmasked.
class raw_ws_client {
public:
  explicit raw_ws_client(asio::io_context& io) : socket_(io), bytes_(1 << 20) {}
  virtual ~raw_ws_client() = default;
  raw_ws_client(const raw_ws_client&) = delete;
  raw_ws_client& operator=(const raw_ws_client&) = delete;

  void stop() {
    stopped_ = true;
    beast::error_code ignored;
    socket_.close(ignored);
  }
  [[nodiscard]] std::uint64_t undecodable() const noexcept { return undecodable_; }

protected:
  // Connects and upgrades to `target` (with a bearer token when given); `on_open(ok)` once, then
  // the read loop. `self` keeps the connection alive while an operation is pending.
  void open(std::shared_ptr<raw_ws_client> self, std::uint16_t port, const std::string& target,
            const std::string& bearer, std::function<void(bool)> on_open) {
    on_open_ = std::move(on_open);
    socket_.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                          [self, port, target, bearer](beast::error_code ec) {
                            if (ec) {
                              self->on_open_(false);
                              return;
                            }
                            self->upgrade(self, port, target, bearer);
                          });
  }
  virtual void on_text(std::string_view text) = 0;
  void count_undecodable() noexcept { ++undecodable_; }
  tcp::socket& socket() noexcept { return socket_; }
  [[nodiscard]] bool stopped() const noexcept { return stopped_; }

private:
  void upgrade(const std::shared_ptr<raw_ws_client>& self, std::uint16_t port, const std::string& target,
               const std::string& bearer) {
    request_.method(beast::http::verb::get);
    request_.target(target);
    request_.version(11);
    request_.set(beast::http::field::host, fmt::format("127.0.0.1:{}", port));
    request_.set(beast::http::field::upgrade, "websocket");
    request_.set(beast::http::field::connection, "Upgrade");
    request_.set(beast::http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    request_.set(beast::http::field::sec_websocket_version, "13");
    if (!bearer.empty()) {
      request_.set(beast::http::field::authorization, "Bearer " + bearer);
    }
    beast::http::async_write(socket_, request_, [self](beast::error_code ec, std::size_t) {
      if (ec) {
        self->on_open_(false);
        return;
      }
      beast::http::async_read(self->socket_, self->handshake_buffer_, self->response_,
                              [self](beast::error_code rec, std::size_t) { self->on_upgraded(self, rec); });
    });
  }
  void on_upgraded(const std::shared_ptr<raw_ws_client>& self, beast::error_code ec) {
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
    do_read(self);
  }
  void do_read(const std::shared_ptr<raw_ws_client>& self) {
    socket_.async_read_some(asio::buffer(bytes_.data() + have_, bytes_.size() - have_),
                            [self](beast::error_code ec, std::size_t n) {
                              if (ec || self->stopped_) {
                                return;
                              }
                              self->have_ += n;
                              self->split();
                              self->do_read(self);
                            });
  }
  // Hands every whole frame in bytes_ to on_text and keeps the partial rest.
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
        on_text(std::string_view(bytes_.data() + at + header, length));
      } else if ((p[0] & 0x0f) < 8) {
        ++undecodable_; // fragments: neither server fragments messages this small
      }
      at += header + length;
    }
    std::memmove(bytes_.data(), bytes_.data() + at, have_ - at);
    have_ -= at;
  }

  tcp::socket socket_;
  std::function<void(bool)> on_open_;
  beast::http::request<beast::http::empty_body> request_;
  beast::http::response<beast::http::string_body> response_;
  beast::flat_buffer handshake_buffer_;
  std::vector<char> bytes_;
  std::size_t have_ = 0;
  std::uint64_t undecodable_ = 0;
  bool stopped_ = false;
};

// One /ws/quotes connection: decodes every message with the broker's decoder and counts quotes.
class quote_reader final : public raw_ws_client, public std::enable_shared_from_this<quote_reader> {
public:
  // `capture`: keeps the text of the first `capture_max` quotes there (for the Node server).
  quote_reader(asio::io_context& io, const ws::instrument_directory& instruments,
               std::vector<std::string>* capture = nullptr, std::size_t capture_max = 0)
      : raw_ws_client(io), instruments_(instruments), capture_(capture), capture_max_(capture_max) {}

  void start(std::uint16_t port, const std::string& target, std::function<void(bool)> on_open) {
    open(shared_from_this(), port, target, {}, std::move(on_open));
  }

  [[nodiscard]] std::uint64_t quotes() const noexcept { return quotes_; }

private:
  void on_text(std::string_view text) override {
    const auto m = ws::decode_server_message(text, instruments_);
    if (m && std::holds_alternative<quote>(*m)) {
      ++quotes_;
      if (capture_ != nullptr && capture_->size() < capture_max_) {
        capture_->emplace_back(text);
      }
    } else if (!m) {
      count_undecodable();
    }
  }

  const ws::instrument_directory& instruments_;
  std::vector<std::string>* capture_;
  std::size_t capture_max_;
  std::uint64_t quotes_ = 0;
};

// Appends `payload` as one masked text frame (a client's frames are always masked, RFC 6455 5.3).
inline void append_masked_text_frame(std::string& out, std::string_view payload, std::uint32_t key) {
  const std::size_t n = payload.size();
  out.push_back(static_cast<char>(0x81)); // FIN, text
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xff));
    }
  }
  unsigned char mask[4];
  std::memcpy(mask, &key, 4);
  out.append(reinterpret_cast<const char*>(mask), 4);
  const std::size_t at = out.size();
  out.append(payload);
  for (std::size_t i = 0; i < n; ++i) {
    out[at + i] = static_cast<char>(static_cast<unsigned char>(out[at + i]) ^ mask[i % 4]);
  }
}

// Alternating buy and sell limit orders of one lot at the instrument's reference price: every
// sell fills the buy before it, so the book stays small and half the orders trade.
class order_client final : public raw_ws_client, public std::enable_shared_from_this<order_client> {
public:
  order_client(asio::io_context& io, const ws::instrument_directory& instruments, const instrument& traded,
               std::uint64_t first_id, std::size_t window)
      : raw_ws_client(io), instruments_(instruments), traded_(traded), next_id_(first_id), window_(window) {}

  void start(std::uint16_t port, const std::string& bearer, std::function<void(bool)> on_open) {
    open(shared_from_this(), port, "/ws/order", bearer,
         [self = shared_from_this(), on_open = std::move(on_open)](bool ok) {
           on_open(ok);
           if (ok) {
             self->fill_window();
           }
         });
  }
  // Sends nothing more; answers still come and are counted.
  void stop_sending() { sending_ = false; }
  void stop() {
    sending_ = false;
    raw_ws_client::stop();
  }

  [[nodiscard]] std::uint64_t answered() const noexcept { return answered_; }
  [[nodiscard]] std::uint64_t rejected() const noexcept { return rejected_; }
  // Round trips in nanoseconds of the answers recorded since the last call.
  std::vector<std::int64_t> take_latencies() { return std::exchange(latencies_, {}); }

private:
  // Tops the window up: the new orders' frames join what waits for the next write.
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
      append_masked_text_frame(outbox_, ws::encode_request(order_request{r}, traded_),
                               static_cast<std::uint32_t>(id * 2654435761U));
      ++in_flight_;
    }
    do_write();
  }
  void do_write() {
    if (writing_ || outbox_.empty() || stopped()) {
      return;
    }
    writing_ = true;
    std::swap(writing_bytes_, outbox_);
    outbox_.clear();
    asio::async_write(socket(), asio::buffer(writing_bytes_),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (ec) {
                          return;
                        }
                        self->do_write();
                      });
  }
  void on_text(std::string_view text) override {
    if (stopped()) {
      return;
    }
    const auto m = ws::decode_server_message(text, instruments_);
    std::optional<client_order_id> id;
    if (m && std::holds_alternative<ws::ack_message>(*m)) {
      id = std::get<ws::ack_message>(*m).id;
    } else if (m && std::holds_alternative<ws::reject_message>(*m)) {
      id = std::get<ws::reject_message>(*m).id;
      ++rejected_;
    } else {
      count_undecodable();
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
  }

  const ws::instrument_directory& instruments_;
  const instrument& traded_;
  std::uint64_t next_id_;
  std::size_t window_;
  std::size_t in_flight_ = 0;
  std::deque<std::pair<std::uint64_t, bench_clock::time_point>> pending_; // id, sent
  std::string outbox_;                                                    // frames waiting for the next write
  std::string writing_bytes_;                                             // the write in flight
  std::vector<std::int64_t> latencies_;
  std::uint64_t answered_ = 0;
  std::uint64_t rejected_ = 0;
  bool writing_ = false;
  bool sending_ = true;
};

} // namespace minibroker::bench
