#pragma once
// Internal: a client WebSocket connection: resolves, connects, upgrades to `target` (with a bearer
// token when given), then hands every text message to on_message until the connection ends, when
// it calls on_end once (also when it never opened). send() queues text frames, one write in
// flight. Handlers run on the given strand; call send() and stop() there.

#include <atomic>
#include <cstdint>
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

// A reader for an owner that owns its readers and replaces them on reconnection (the WebSocket
// feed and order gateway). The callbacks hold the owner weakly: a strong reference back would be a
// cycle that outlives the io_context whenever a read is still pending when the owner goes. They
// count the owner's connects and disconnects, and a reader that a newer connection has replaced
// (the owner's `generation` has moved on) delivers nothing more: on_message and on_end are not
// called, and `opened(owner, false)` says so.
//
// Owner: weak_from_this(); members strand, config, generation, connects, disconnects; on_message(text), on_end().
template <typename Owner, typename Opened>
[[nodiscard]] std::shared_ptr<ws_reader> owned_reader(Owner& owner, std::string target, Opened opened,
                                                      std::string bearer = {}) {
  const std::weak_ptr<Owner> weak = owner.weak_from_this();
  const std::uint64_t gen = owner.generation;
  return std::make_shared<ws_reader>(
      owner.strand, owner.config, std::move(target),
      [weak, gen, opened] {
        if (auto self = weak.lock()) {
          self->connects.fetch_add(1, std::memory_order_relaxed);
          opened(*self, gen == self->generation);
        }
      },
      [weak, gen](std::string_view text) {
        if (auto self = weak.lock(); self && gen == self->generation) {
          self->on_message(text);
        }
      },
      [weak, gen](beast::error_code) {
        if (auto self = weak.lock()) {
          self->disconnects.fetch_add(1, std::memory_order_relaxed);
          if (gen == self->generation) {
            self->on_end();
          }
        }
      },
      std::move(bearer));
}

} // namespace minibroker::ws::detail
