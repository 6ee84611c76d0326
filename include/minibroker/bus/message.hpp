#pragma once
// What a consumer receives: a small header and a typed payload. Messages are values: the bus
// copies the payload into each queue it reaches (moving it into the last), never shares it.

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/core.h>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/clock.hpp"
#include "minibroker/core/ids.hpp"

namespace minibroker::bus {

// How many stage stamps a message carries; stages number themselves from 0.
inline constexpr std::size_t max_stage_stamps = 4;

// A message's routing key, one immutable text shared by every copy of the message (each queue a
// publish reaches holds one); a key its topic has routed before is the topic's own text, so a
// publish allocates nothing for it. Reads as a std::string_view.
class shared_key {
public:
  shared_key() = default;
  explicit shared_key(std::shared_ptr<const std::string> text) noexcept : text_(std::move(text)) {}

  [[nodiscard]] std::string_view view() const noexcept { return text_ ? std::string_view{*text_} : std::string_view{}; }
  operator std::string_view() const noexcept { return view(); } // NOLINT(google-explicit-constructor): it is text
  friend bool operator==(const shared_key& a, std::string_view b) noexcept { return a.view() == b; }
  // Streams (test frameworks use this); templated to avoid <ostream>.
  template <typename Stream>
  friend Stream& operator<<(Stream& os, const shared_key& k) {
    os << k.view();
    return os;
  }

private:
  std::shared_ptr<const std::string> text_;
};

struct message_header {
  shared_key routing_key;
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

template <>
struct fmt::formatter<minibroker::bus::shared_key> : fmt::formatter<std::string_view> {
  auto format(const minibroker::bus::shared_key& k, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(k.view(), ctx);
  }
};
