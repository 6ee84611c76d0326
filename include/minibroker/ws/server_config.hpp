#pragma once
// How the exchange's WebSocket server listens, whom it lets in, and its limits. The institutions
// and their tokens come from the exchange's config (institution_spec::token); an institution with
// an empty token cannot connect to the order endpoints.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace minibroker::ws {

struct server_config {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0; // 0: the OS picks a free port (exchange_server::port() tells which)

  // Limits, per connection unless said otherwise.
  std::size_t max_message_size = 64 * 1024;           // inbound WebSocket message or HTTP body, bytes
  std::size_t max_connections = 1024;                 // open WebSocket connections, all endpoints together
  std::chrono::milliseconds idle_timeout{30'000};     // no data (nor pong) from the peer for this long
  std::chrono::milliseconds handshake_timeout{5'000}; // the opening and the closing handshake
  // Messages that must not be lost (acks, rejects, errors, execution reports) waiting to be sent.
  // A market-data connection conflates quotes instead (the latest per symbol); any other
  // connection that falls this far behind is closed (close code 4001).
  std::size_t max_queued_messages = 1024;
  // Execution reports kept per institution for resynchronisation (?from=SEQ). At least
  // max_queued_messages.
  std::size_t report_journal = 65'536;
  // When non-empty, a WebSocket upgrade that carries an Origin header must carry one of these
  // (browsers always send it; other clients usually do not).
  std::vector<std::string> allowed_origins;
  // SO_SNDBUF for accepted sockets; 0 keeps the OS default. Small values make back-pressure show
  // early (tests).
  int socket_send_buffer = 0;
};

} // namespace minibroker::ws
