#pragma once
// What a consumer receives: a small header and a typed payload. Messages are values: the bus
// copies the payload into each queue it reaches (moving it into the last), never shares it.

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/core.h>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/clock.hpp"
#include "minibroker/core/ids.hpp"

namespace minibroker::bus {

// How many stage stamps a message carries; stages number themselves from 0.
inline constexpr std::size_t max_stage_stamps = 4;

namespace detail {
struct key_sharing;
} // namespace detail

// A message's routing key: one text for every copy of the message a publish makes (each queue it
// reaches holds one). A key its topic's route cache holds is that cache's own text, borrowed: the
// cache lives as long as any queue of its bus, so a publish neither allocates nor counts a
// reference for it. Any other key is shared, counted. A key copied or moved out of a message owns
// (shares) its text, so a message a consumer keeps may outlive its bus. Reads as a std::string_view.
class shared_key {
public:
  shared_key() = default;
  explicit shared_key(std::shared_ptr<const std::string> text) noexcept
      : view_(text ? std::string_view{*text} : std::string_view{}), owned_(std::move(text)) {}
  shared_key(const shared_key& other) : shared_key(other.owned()) {}
  shared_key(shared_key&& other) : shared_key(std::move(other).owned()) {}
  shared_key& operator=(const shared_key& other) {
    if (this != &other) {
      *this = shared_key(other.owned());
    }
    return *this;
  }
  shared_key& operator=(shared_key&& other) {
    if (this != &other) {
      owned_ = std::move(other).owned();
      view_ = owned_ ? std::string_view{*owned_} : std::string_view{};
    }
    return *this;
  }
  ~shared_key() = default;

  [[nodiscard]] std::string_view view() const noexcept { return view_; }
  operator std::string_view() const noexcept { return view_; } // NOLINT(google-explicit-constructor): it is text
  friend bool operator==(const shared_key& a, std::string_view b) noexcept { return a.view() == b; }
  // Streams (test frameworks use this); templated to avoid <ostream>.
  template <typename Stream>
  friend Stream& operator<<(Stream& os, const shared_key& k) {
    os << k.view();
    return os;
  }

private:
  friend struct detail::key_sharing;

  struct borrow_tag {};
  // A prvalue, so a publish never goes through the (owning) move constructor.
  shared_key(borrow_tag, std::string_view text) noexcept : view_(text) {}

  // The text as an owner: the shared one, or a new one made from a borrowed view.
  [[nodiscard]] std::shared_ptr<const std::string> owned() const& {
    if (owned_ || view_.empty()) {
      return owned_;
    }
    return std::make_shared<const std::string>(view_);
  }
  [[nodiscard]] std::shared_ptr<const std::string> owned() && {
    if (owned_ || view_.empty()) {
      view_ = {};
      return std::move(owned_);
    }
    return std::make_shared<const std::string>(view_);
  }

  std::string_view view_;
  std::shared_ptr<const std::string> owned_; // null when borrowed (or empty)
};

namespace detail {
// The bus's own access: gives a message the text of the publish's key as it is, borrowed or
// shared, where copying a shared_key would own it.
struct key_sharing {
  static shared_key borrowed(std::string_view text) noexcept { return shared_key{shared_key::borrow_tag{}, text}; }
  static void share(shared_key& to, const shared_key& from) noexcept {
    to.view_ = from.view_;
    to.owned_ = from.owned_;
  }
  static void share(shared_key& to, shared_key&& from) noexcept {
    to.view_ = from.view_;
    to.owned_ = std::move(from.owned_);
    from.view_ = {};
  }
};
} // namespace detail

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
