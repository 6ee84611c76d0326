#pragma once
// Where the broker's WebSocket adapters find the exchange, and how they reconnect.

#include <chrono>
#include <cstdint>
#include <string>

namespace minibroker::ws {

struct client_config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  // After a connection drops: wait reconnect_min, then twice as long after each failure, at most
  // reconnect_max; back to reconnect_min once a stream is up again.
  std::chrono::milliseconds reconnect_min{50};
  std::chrono::milliseconds reconnect_max{2'000};
  std::size_t max_message_size = 1 << 20;
};

} // namespace minibroker::ws
