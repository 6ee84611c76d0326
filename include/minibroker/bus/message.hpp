#pragma once
// What a consumer receives: a small header and a typed payload. Messages are values: the bus
// copies the payload into each queue it reaches (moving it into the last), never shares it.

#include <array>
#include <cstddef>
#include <string>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/clock.hpp"
#include "minibroker/core/ids.hpp"

namespace minibroker::bus {

// How many stage stamps a message carries; stages number themselves from 0.
inline constexpr std::size_t max_stage_stamps = 4;

struct message_header {
  std::string routing_key;
  sequence_number sequence = 0; // per topic, starting at 1, in publish order
  timestamp published_at{};     // from the bus's injected clock
  // Later stages stamp their own times here (a zero timestamp is "not stamped").
  std::array<timestamp, max_stage_stamps> stage_stamps{};
  // Empty, except on a message in a dead-letter queue: the text of what its handler threw.
  std::string dead_letter_reason;

  void stamp(std::size_t stage, timestamp at) noexcept {
    MINIBROKER_ASSERT(stage < max_stage_stamps);
    stage_stamps[stage] = at;
  }
  // The time from publication to a stage's stamp.
  [[nodiscard]] duration since_published(std::size_t stage) const noexcept {
    MINIBROKER_ASSERT(stage < max_stage_stamps);
    return stage_stamps[stage] - published_at;
  }
};

template <typename T>
struct message {
  message_header header;
  T payload;
};

} // namespace minibroker::bus
