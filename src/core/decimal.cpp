#include "minibroker/core/decimal.hpp"

#include <array>
#include <limits>

namespace minibroker {
namespace {

// 128-bit integers, a GCC/Clang extension; __extension__ keeps -Wpedantic quiet.
__extension__ using int128 = __int128;
__extension__ using uint128 = unsigned __int128;

class decimal_category_impl final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "minibroker.decimal"; }
  std::string message(int ev) const override {
    switch (static_cast<decimal_error>(ev)) {
    case decimal_error::empty: return "empty number";
    case decimal_error::malformed: return "not a decimal number (expected digits, optionally '-' and '.')";
    case decimal_error::out_of_range: return "number out of range";
    case decimal_error::not_on_tick: return "price is not a multiple of the tick size";
    case decimal_error::bad_tick_size: return "tick size must be positive";
    }
    return "unknown decimal error";
  }
};

constexpr std::array<std::int64_t, 19> powers_of_ten = [] {
  std::array<std::int64_t, 19> p{};
  p[0] = 1;
  for (std::size_t i = 1; i < p.size(); ++i) {
    p[i] = p[i - 1] * 10;
  }
  return p;
}();

struct parsed_decimal {
  std::int64_t units; // the digits as an integer, sign applied
  int scale;          // digits after the point
};

boost::system::result<parsed_decimal> parse_digits(std::string_view text, bool allow_point) noexcept {
  if (text.empty()) {
    return decimal_error::empty;
  }
  bool negative = false;
  std::size_t i = 0;
  if (text[0] == '-') {
    negative = true;
    i = 1;
  }
  std::uint64_t magnitude = 0;
  int scale = 0;
  bool seen_point = false;
  std::size_t digits_before = 0;
  std::size_t digits_after = 0;
  // The magnitude may reach 2^63 for the most negative value.
  constexpr std::uint64_t limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1U;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (!allow_point || seen_point || digits_before == 0) {
        return decimal_error::malformed;
      }
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') {
      return decimal_error::malformed;
    }
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (magnitude > (limit - digit) / 10) {
      return decimal_error::out_of_range;
    }
    magnitude = magnitude * 10 + digit;
    if (seen_point) {
      ++digits_after;
      ++scale;
      if (scale > decimal::max_scale) {
        return decimal_error::out_of_range;
      }
    } else {
      ++digits_before;
    }
  }
  if (digits_before == 0 || (seen_point && digits_after == 0)) {
    return decimal_error::malformed;
  }
  if (!negative && magnitude == limit) {
    return decimal_error::out_of_range;
  }
  const auto units = negative ? static_cast<std::int64_t>(0U - magnitude) : static_cast<std::int64_t>(magnitude);
  return parsed_decimal{units, scale};
}

// units * 10^-from_scale expressed at to_scale, exactly; fails when precision would be lost.
boost::system::result<std::int64_t> rescale(std::int64_t units, int from_scale, int to_scale) noexcept {
  if (from_scale > to_scale) {
    const std::int64_t divisor = powers_of_ten[static_cast<std::size_t>(from_scale - to_scale)];
    if (units % divisor != 0) {
      return decimal_error::not_on_tick;
    }
    return units / divisor;
  }
  if (to_scale - from_scale > decimal::max_scale) {
    return units == 0 ? boost::system::result<std::int64_t>(0) : decimal_error::out_of_range;
  }
  std::int64_t scaled = 0;
  if (__builtin_mul_overflow(units, powers_of_ten[static_cast<std::size_t>(to_scale - from_scale)], &scaled)) {
    return decimal_error::out_of_range;
  }
  return scaled;
}

// Writes `magnitude` (negated when `negative`) with `scale` decimals into the tail of buf, returns
// the start. A template: 64-bit division is several times cheaper than 128-bit (a library call).
template <class Unsigned>
char* write_magnitude(char* end, Unsigned magnitude, bool negative, int scale) noexcept {
  char* p = end;
  int written = 0;
  do {
    *--p = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
    ++written;
    if (written == scale) {
      *--p = '.';
    }
  } while (magnitude != 0 || written <= scale);
  if (p[0] == '.') {
    *--p = '0';
  }
  if (negative) {
    *--p = '-';
  }
  return p;
}

// 128 bits so that ticks * tick mantissa never overflows.
char* write_scaled(char* end, int128 units, int scale) noexcept {
  const bool negative = units < 0;
  const auto magnitude = negative ? static_cast<uint128>(-units) : static_cast<uint128>(units);
  if (magnitude <= std::numeric_limits<std::uint64_t>::max()) {
    return write_magnitude(end, static_cast<std::uint64_t>(magnitude), negative, scale);
  }
  return write_magnitude(end, magnitude, negative, scale);
}

} // namespace

const boost::system::error_category& decimal_category() noexcept {
  static const decimal_category_impl category;
  return category;
}

boost::system::result<decimal> decimal::parse(std::string_view text) noexcept {
  auto parsed = parse_digits(text, true);
  if (!parsed) {
    return parsed.error();
  }
  return decimal{parsed->units, parsed->scale};
}

std::string decimal::to_string() const {
  std::array<char, 48> buf{};
  char* end = buf.data() + buf.size();
  const char* begin = write_scaled(end, mantissa_, scale_);
  return std::string(begin, static_cast<const char*>(end));
}

bool operator==(decimal a, decimal b) noexcept {
  const int scale = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
  auto left = rescale(a.mantissa_, a.scale_, scale);
  auto right = rescale(b.mantissa_, b.scale_, scale);
  return left && right && *left == *right;
}

boost::system::result<price> parse_price(std::string_view text, decimal tick) noexcept {
  if (tick.mantissa() <= 0) {
    return decimal_error::bad_tick_size;
  }
  auto parsed = parse_digits(text, true);
  if (!parsed) {
    return parsed.error();
  }
  auto at_tick_scale = rescale(parsed->units, parsed->scale, tick.scale());
  if (!at_tick_scale) {
    return at_tick_scale.error();
  }
  if (*at_tick_scale % tick.mantissa() != 0) {
    return decimal_error::not_on_tick;
  }
  return price{*at_tick_scale / tick.mantissa()};
}

void format_price_to(fmt::memory_buffer& out, price p, decimal tick) {
  std::array<char, 64> buf{};
  char* end = buf.data() + buf.size();
  const int128 units = static_cast<int128>(p.value()) * tick.mantissa();
  const char* begin = write_scaled(end, units, tick.scale());
  out.append(begin, end);
}

std::string format_price(price p, decimal tick) {
  fmt::memory_buffer out;
  format_price_to(out, p, tick);
  return fmt::to_string(out);
}

boost::system::result<quantity> parse_quantity(std::string_view text) noexcept {
  auto parsed = parse_digits(text, false);
  if (!parsed) {
    return parsed.error();
  }
  return quantity{parsed->units};
}

} // namespace minibroker
