#pragma once
// A strong integer: a number that only mixes with numbers of the same kind.

#include <compare>
#include <concepts>
#include <cstdint>
#include <functional>

#include <fmt/format.h>

namespace minibroker {

// Identity only: ids compare and hash but do no arithmetic.
template <typename Tag, std::integral Rep>
class strong_id {
public:
  using rep = Rep;
  constexpr strong_id() noexcept = default;
  constexpr explicit strong_id(Rep value) noexcept : value_(value) {}
  [[nodiscard]] constexpr Rep value() const noexcept { return value_; }
  friend constexpr auto operator<=>(strong_id, strong_id) noexcept = default;
  // Streams print the number (test frameworks use this); templated to avoid <ostream>.
  template <typename Stream>
  friend Stream& operator<<(Stream& os, strong_id id) {
    os << +id.value_;
    return os;
  }

private:
  Rep value_{};
};

// A count of something (ticks, lots): adds and subtracts with its own kind, scales by a plain
// integer, and compares.
template <typename Tag>
class strong_count {
public:
  using rep = std::int64_t;
  constexpr strong_count() noexcept = default;
  constexpr explicit strong_count(rep value) noexcept : value_(value) {}
  [[nodiscard]] constexpr rep value() const noexcept { return value_; }
  friend constexpr auto operator<=>(strong_count, strong_count) noexcept = default;
  template <typename Stream>
  friend Stream& operator<<(Stream& os, strong_count n) {
    os << n.value_;
    return os;
  }

  constexpr strong_count& operator+=(strong_count other) noexcept {
    value_ += other.value_;
    return *this;
  }
  constexpr strong_count& operator-=(strong_count other) noexcept {
    value_ -= other.value_;
    return *this;
  }
  friend constexpr strong_count operator+(strong_count a, strong_count b) noexcept { return a += b; }
  friend constexpr strong_count operator-(strong_count a, strong_count b) noexcept { return a -= b; }
  friend constexpr strong_count operator-(strong_count a) noexcept { return strong_count{-a.value_}; }
  friend constexpr strong_count operator*(strong_count a, rep n) noexcept { return strong_count{a.value_ * n}; }
  friend constexpr strong_count operator*(rep n, strong_count a) noexcept { return strong_count{a.value_ * n}; }

private:
  rep value_{};
};

} // namespace minibroker

template <typename Tag, typename Rep>
struct std::hash<minibroker::strong_id<Tag, Rep>> {
  std::size_t operator()(minibroker::strong_id<Tag, Rep> id) const noexcept { return std::hash<Rep>{}(id.value()); }
};

template <typename Tag>
struct std::hash<minibroker::strong_count<Tag>> {
  std::size_t operator()(minibroker::strong_count<Tag> n) const noexcept {
    return std::hash<std::int64_t>{}(n.value());
  }
};

template <typename Tag, typename Rep>
struct fmt::formatter<minibroker::strong_id<Tag, Rep>> : fmt::formatter<Rep> {
  auto format(minibroker::strong_id<Tag, Rep> id, fmt::format_context& ctx) const {
    return fmt::formatter<Rep>::format(id.value(), ctx);
  }
};

template <typename Tag>
struct fmt::formatter<minibroker::strong_count<Tag>> : fmt::formatter<std::int64_t> {
  auto format(minibroker::strong_count<Tag> n, fmt::format_context& ctx) const {
    return fmt::formatter<std::int64_t>::format(n.value(), ctx);
  }
};
