#pragma once
// Exact decimal text <-> integer ticks. No floating point anywhere on the way: "100.25" with
// tick 0.01 is 10025 ticks; "100.255" with tick 0.01 is an error (not_on_tick), not a rounding.
//
// Accepted text: an optional '-', one or more digits, optionally '.' and one or more digits.
// Nothing else (no '+', no exponent, no spaces, no leading or trailing '.').

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include <boost/system/result.hpp>
#include <fmt/format.h>

#include "minibroker/core/price.hpp"

namespace minibroker {

enum class decimal_error {
  empty = 1,
  malformed,     // not of the accepted form
  out_of_range,  // does not fit in 64-bit ticks (or units)
  not_on_tick,   // more precise than the tick size allows
  bad_tick_size, // the tick size is zero or negative
};

const boost::system::error_category& decimal_category() noexcept;
inline boost::system::error_code make_error_code(decimal_error e) noexcept {
  return {static_cast<int>(e), decimal_category()};
}

// A non-negative exponent decimal: value = mantissa * 10^-scale. Used for tick sizes and lot
// sizes in configuration, where the value has to be exact.
class decimal {
public:
  static constexpr int max_scale = 18;

  constexpr decimal() noexcept = default;
  constexpr decimal(std::int64_t mantissa, int scale) noexcept : mantissa_(mantissa), scale_(scale) {}

  static boost::system::result<decimal> parse(std::string_view text) noexcept;

  [[nodiscard]] constexpr std::int64_t mantissa() const noexcept { return mantissa_; }
  [[nodiscard]] constexpr int scale() const noexcept { return scale_; }
  [[nodiscard]] std::string to_string() const;
  // Equal in value: 0.10 == 0.1.
  friend bool operator==(decimal a, decimal b) noexcept;

private:
  std::int64_t mantissa_ = 0;
  int scale_ = 0;
};

// "100.25" with tick 0.01 -> 10025. Trailing zeros beyond the tick's precision are fine
// ("100.250"); any other extra precision is not_on_tick, as is a value between two ticks
// (tick 0.05: "100.03").
boost::system::result<price> parse_price(std::string_view text, decimal tick) noexcept;

// 10025 ticks with tick 0.01 -> "100.25"; always as many decimals as the tick has ("143.30").
std::string format_price(price p, decimal tick);
void format_price_to(fmt::memory_buffer& out, price p, decimal tick);

// A whole number of units: "100" -> 100. Same strictness as above, no decimals.
boost::system::result<quantity> parse_quantity(std::string_view text) noexcept;

} // namespace minibroker

template <>
struct boost::system::is_error_code_enum<minibroker::decimal_error> : std::true_type {};

template <>
struct fmt::formatter<minibroker::decimal> : fmt::formatter<std::string_view> {
  auto format(minibroker::decimal d, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(d.to_string(), ctx);
  }
};
