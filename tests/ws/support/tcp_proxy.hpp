#pragma once
// Test-only: a TCP proxy on 127.0.0.1 (an OS-chosen port) in front of a server on 127.0.0.1,
// forwarding bytes both ways, that drops its connections abruptly when told: at once (cut_all),
// or once a given number of bytes more have gone through it (cut_after), mid-frame as likely as
// not. A cut resets both sides (SO_LINGER 0, so a RST, not a FIN): each peer sees its connection
// fail, as when a network path dies. It keeps accepting; new connections go through.
//
// Thread safety: none; every call on the io_context's thread (post to it from others).

#include <cstddef>
#include <cstdint>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace minibroker::ws::testing {

struct tcp_proxy_stats {
  std::uint64_t accepted = 0; // connections accepted from clients
  std::uint64_t cuts = 0;     // cut_all() calls and cut_after() thresholds reached
  std::uint64_t dropped = 0;  // connections those cuts reset
  std::uint64_t bytes = 0;    // forwarded, both ways
};

class tcp_proxy {
public:
  tcp_proxy(boost::asio::io_context& io, std::uint16_t target_port);
  ~tcp_proxy();
  tcp_proxy(const tcp_proxy&) = delete;
  tcp_proxy& operator=(const tcp_proxy&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept;
  // Resets every open connection now.
  void cut_all();
  // Forwards `bytes` more bytes (in either direction, counted together), then resets every open
  // connection; a chunk that crosses the threshold is forwarded only up to it.
  void cut_after(std::uint64_t bytes);
  // Stops accepting and resets every connection.
  void stop();
  [[nodiscard]] const tcp_proxy_stats& stats() const noexcept;

  struct state; // private: tcp_proxy.cpp. Shared with the connections' handlers, which may outlive the proxy.

private:
  std::shared_ptr<state> state_;
};

} // namespace minibroker::ws::testing
