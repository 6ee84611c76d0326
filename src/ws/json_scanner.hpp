#pragma once
// Internal: reads a JSON object written in one known shape (the shape our own encoders write),
// literal by literal, without a JSON parser. Each read either matches and moves on, or fails and
// leaves the caller to hand the whole text to the general decoder, which also names the errors.
// So it accepts a strict subset of JSON: strings of printable ASCII without escapes, integers
// without a sign, a leading zero or more than 19 digits.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "minibroker/core/decimal.hpp"
#include "minibroker/core/price.hpp"

namespace minibroker::ws::detail {

class json_scanner {
public:
  explicit json_scanner(std::string_view text) noexcept : text_(text) {}

  bool literal(std::string_view expected) noexcept {
    if (text_.substr(at_, expected.size()) != expected) {
      return false;
    }
    at_ += expected.size();
    return true;
  }

  // A JSON string of printable ASCII without escapes; its contents.
  std::optional<std::string_view> string() noexcept {
    if (!literal("\"")) {
      return std::nullopt;
    }
    const std::size_t start = at_;
    for (; at_ < text_.size() && text_[at_] != '"'; ++at_) {
      const auto c = static_cast<unsigned char>(text_[at_]);
      if (c < 0x20 || c > 0x7e || c == '\\') {
        return std::nullopt;
      }
    }
    if (at_ == text_.size()) {
      return std::nullopt;
    }
    return text_.substr(start, at_++ - start);
  }

  // A JSON integer without a sign that fits an int64 (a time in nanoseconds has 19 digits).
  std::optional<std::int64_t> natural() noexcept {
    constexpr std::size_t max_digits = 19; // 19 nines still fit a uint64
    const std::size_t start = at_;
    std::uint64_t n = 0;
    for (; at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9'; ++at_) {
      if (at_ - start == max_digits) {
        return std::nullopt;
      }
      n = n * 10 + static_cast<std::uint64_t>(text_[at_] - '0');
    }
    const std::size_t digits = at_ - start;
    if (digits == 0 || (digits > 1 && text_[start] == '0') ||
        n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(n);
  }

  // As natural(), and not zero.
  std::optional<std::int64_t> positive() noexcept {
    const auto n = natural();
    return n && *n > 0 ? n : std::nullopt;
  }

  std::optional<price> px(decimal tick) noexcept {
    const auto text = string();
    if (!text) {
      return std::nullopt;
    }
    const auto p = parse_price(*text, tick);
    return p ? std::optional<price>(*p) : std::nullopt;
  }

  // The next byte is `c` (not consumed).
  [[nodiscard]] bool next_is(char c) const noexcept { return at_ < text_.size() && text_[at_] == c; }
  [[nodiscard]] bool at_end() const noexcept { return at_ == text_.size(); }

private:
  std::string_view text_;
  std::size_t at_ = 0;
};

} // namespace minibroker::ws::detail
