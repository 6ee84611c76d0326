#pragma once
// Internal: the layer under a server connection's websocket::stream, so the session can write many
// data frames in one system call. Beast writes one message per write; a session that sends
// thousands of quotes a second wants its whole queue in one write. It builds those frames itself
// (frame_text() below) and writes them with write_frames(); Beast writes the handshake response
// through async_write_some, and so does the session its control frames (ping, pong, close), which
// are small and copied.
//
// Both kinds of write are whole (a write_some here writes everything it is given) and take turns,
// one at a time, in the order they were asked for: frames never interleave. Once a close frame is
// written, frames asked for after it are dropped (operation_aborted).
//
// Thread safety: none (the connection's strand).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "beast.hpp"

namespace minibroker::ws::detail {

// Appends `payload` as one unmasked text frame (a server's frames are never masked, RFC 6455 5.1).
inline void frame_text(std::string& out, std::string_view payload) {
  const std::size_t n = payload.size();
  out.push_back(static_cast<char>(0x81)); // FIN, text
  if (n < 126) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xff));
    }
  }
  out.append(payload);
}

class whole_write_stream {
public:
  using next_layer_type = beast::tcp_stream;
  using executor_type = beast::tcp_stream::executor_type;
  using write_handler = asio::any_completion_handler<void(beast::error_code, std::size_t)>;

  explicit whole_write_stream(beast::tcp_stream&& stream) : next_(std::move(stream)) {}
  whole_write_stream(whole_write_stream&&) = delete; // pending writes point at it

  executor_type get_executor() noexcept { return next_.get_executor(); }
  next_layer_type& next_layer() noexcept { return next_; }
  const next_layer_type& next_layer() const noexcept { return next_; }

  template <class MutableBufferSequence, class ReadToken>
  auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token) {
    return next_.async_read_some(buffers, std::forward<ReadToken>(token));
  }

  // Beast's writes and the session's control frames: copied (they are small), written whole, in turn.
  template <class ConstBufferSequence, class WriteToken>
  auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token) {
    return asio::async_initiate<WriteToken, void(beast::error_code, std::size_t)>(
        [this](auto handler, const ConstBufferSequence& b) {
          auto bytes = std::make_unique<std::string>(asio::buffer_size(b), '\0');
          asio::buffer_copy(asio::buffer(*bytes), b);
          const bool close = !bytes->empty() && static_cast<unsigned char>((*bytes)[0]) == 0x88;
          enqueue(unit{std::move(bytes), {}, write_handler(std::move(handler)), close, false});
        },
        token, buffers);
  }

  // The session's frames (built with frame_text): `bytes` must stay untouched until `handler` runs.
  template <class Handler>
  void write_frames(std::string_view bytes, Handler&& handler) {
    enqueue(unit{nullptr, bytes, write_handler(std::forward<Handler>(handler)), false, true});
  }

private:
  struct unit {
    std::unique_ptr<std::string> owned; // Beast's bytes
    std::string_view view;              // or the session's
    write_handler handler;
    bool close = false;
    bool frames = false;
    [[nodiscard]] asio::const_buffer buffer() const {
      return owned ? asio::const_buffer(owned->data(), owned->size()) : asio::const_buffer(view.data(), view.size());
    }
  };

  // Owned by the write in flight, with its unit. When the io_context is destroyed with that write
  // pending, it drops the waiting units, whose handlers may hold the connection that holds this
  // stream; its own unit (whose handler may hold it too) goes last, after the body has run.
  struct in_flight_guard {
    whole_write_stream* s;
    unit u;
    in_flight_guard(whole_write_stream* stream, unit un) : s(stream), u(std::move(un)) {}
    in_flight_guard(in_flight_guard&& o) noexcept : s(std::exchange(o.s, nullptr)), u(std::move(o.u)) {}
    in_flight_guard& operator=(in_flight_guard&&) = delete;
    ~in_flight_guard() {
      if (s != nullptr) {
        auto doomed = std::move(s->waiting_); // may destroy *s once u goes: not touched after
      }
    }
  };

  void enqueue(unit u) {
    waiting_.push_back(std::move(u));
    if (!writing_ && !start_posted_) {
      // Not from inside the initiating function: a completion must not run before it returns.
      start_posted_ = true;
      asio::post(next_.get_executor(), [this, g = in_flight_guard(this, unit{})]() mutable {
        g.s = nullptr;
        start_posted_ = false;
        start_next();
      });
    }
  }

  void start_next() {
    while (!writing_ && !waiting_.empty()) {
      unit u = std::move(waiting_.front());
      waiting_.pop_front();
      if (u.frames && close_sent_) {
        std::move(u.handler)(asio::error::operation_aborted, std::size_t{0});
        continue;
      }
      writing_ = true;
      close_sent_ = close_sent_ || u.close;
      const auto buffer = u.buffer();
      asio::async_write(next_, buffer,
                        [this, g = in_flight_guard(this, std::move(u))](beast::error_code ec, std::size_t n) mutable {
                          g.s = nullptr;
                          writing_ = false;
                          auto handler = std::move(g.u.handler);
                          start_next();
                          std::move(handler)(ec, n);
                        });
    }
  }

  beast::tcp_stream next_;
  std::deque<unit> waiting_;
  bool writing_ = false;
  bool start_posted_ = false;
  bool close_sent_ = false;
};

// Beast's teardown customization points (found by argument-dependent lookup): the TCP stream's.
inline void teardown(beast::role_type role, whole_write_stream& s, beast::error_code& ec) {
  using beast::websocket::teardown;
  teardown(role, s.next_layer(), ec);
}

template <class TeardownHandler>
void async_teardown(beast::role_type role, whole_write_stream& s, TeardownHandler&& handler) {
  using beast::websocket::async_teardown;
  async_teardown(role, s.next_layer(), std::forward<TeardownHandler>(handler));
}

} // namespace minibroker::ws::detail
