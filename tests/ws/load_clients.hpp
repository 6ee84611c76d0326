#pragma once
// The load test's clients, all on one io_context thread (tests/ws/load_test.cpp):
//   quote_holder  one /ws/quotes connection; a reading one counts the quotes after its snapshot,
//                 a stalled one never reads (and has a small receive buffer), so the server has
//                 to conflate for it
//   order_flow    one /ws/order connection keeping `window` new orders in flight, alternating buy
//                 and sell at one price (every sell trades); counts acks and anything else
// Counters are atomics: the test's thread reads them while the clients' thread runs.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <fmt/format.h>

namespace minibroker::ws::testing::load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using stream = websocket::stream<beast::tcp_stream>;

template <class Done>
void open(stream& ws, std::uint16_t port, std::string target, std::string bearer, int receive_buffer, Done done) {
  auto& socket = beast::get_lowest_layer(ws).socket();
  beast::error_code ec;
  socket.open(tcp::v4(), ec);
  if (receive_buffer > 0) {
    socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer), ec);
  }
  socket.async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
      [&ws, port, target = std::move(target), bearer = std::move(bearer),
       done = std::move(done)](beast::error_code cec) mutable {
        if (cec) {
          done(false);
          return;
        }
        if (!bearer.empty()) {
          ws.set_option(websocket::stream_base::decorator([auth = "Bearer " + bearer](websocket::request_type& req) {
            req.set(beast::http::field::authorization, auth);
          }));
        }
        ws.async_handshake(fmt::format("127.0.0.1:{}", port), target,
                           [&ws, done = std::move(done)](beast::error_code hec) mutable {
                             ws.text(true);
                             done(!hec);
                           });
      });
}

class quote_holder : public std::enable_shared_from_this<quote_holder> {
public:
  quote_holder(asio::io_context& io, bool reads) : ws_(io), reads_(reads) {}

  template <class Done>
  void start(std::uint16_t port, Done done) {
    open(ws_, port, "/ws/quotes", {}, reads_ ? 0 : 4096, [self = shared_from_this(), done](bool ok) mutable {
      done(ok);
      if (ok && self->reads_) {
        self->do_read();
      }
    });
  }
  void stop() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }
  [[nodiscard]] bool reads() const noexcept { return reads_; }
  // Quotes after the snapshot.
  [[nodiscard]] std::uint64_t updates() const noexcept { return updates_.load(std::memory_order_relaxed); }
  [[nodiscard]] bool ended() const noexcept { return ended_.load(std::memory_order_relaxed); }

private:
  void do_read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }
  void on_read(beast::error_code ec) {
    if (ec) {
      ended_.store(true, std::memory_order_relaxed);
      return;
    }
    const auto text = beast::buffers_to_string(buffer_.cdata());
    buffer_.consume(buffer_.size());
    if (snapshot_done_ && text.starts_with(R"({"type":"quote")")) {
      updates_.fetch_add(1, std::memory_order_relaxed);
    } else if (text.starts_with(R"({"type":"snapshot_end")")) {
      snapshot_done_ = true;
    }
    do_read();
  }

  stream ws_;
  beast::flat_buffer buffer_;
  bool reads_;
  bool snapshot_done_ = false;
  std::atomic<std::uint64_t> updates_{0};
  std::atomic<bool> ended_{false};
};

class order_flow : public std::enable_shared_from_this<order_flow> {
public:
  // `order(id)`: the JSON of new order `id`.
  order_flow(asio::io_context& io, std::function<std::string(std::uint64_t)> order, std::size_t window)
      : ws_(io), order_(std::move(order)), window_(window) {}

  template <class Done>
  void start(std::uint16_t port, std::string bearer, Done done) {
    open(ws_, port, "/ws/order", std::move(bearer), 0, [self = shared_from_this(), done](bool ok) mutable {
      done(ok);
      if (ok) {
        self->do_read();
        self->fill();
      }
    });
  }
  void stop() {
    stopped_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }
  [[nodiscard]] std::uint64_t acks() const noexcept { return acks_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t others() const noexcept { return others_.load(std::memory_order_relaxed); }

private:
  void fill() {
    while (!stopped_ && in_flight_ < window_) {
      outbox_.push_back(order_(next_id_++));
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
      if (!ec) {
        self->outbox_.pop_front();
        self->do_write();
      }
    });
  }
  void do_read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }
  void on_read(beast::error_code ec) {
    if (ec) {
      return;
    }
    const auto text = beast::buffers_to_string(buffer_.cdata());
    buffer_.consume(buffer_.size());
    if (text.starts_with(R"({"type":"ack")")) {
      acks_.fetch_add(1, std::memory_order_relaxed);
    } else {
      others_.fetch_add(1, std::memory_order_relaxed);
    }
    --in_flight_;
    fill();
    do_read();
  }

  stream ws_;
  beast::flat_buffer buffer_;
  std::function<std::string(std::uint64_t)> order_;
  std::size_t window_;
  std::size_t in_flight_ = 0;
  std::uint64_t next_id_ = 1;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool stopped_ = false;
  std::atomic<std::uint64_t> acks_{0};
  std::atomic<std::uint64_t> others_{0};
};

} // namespace minibroker::ws::testing::load
