#include <catch2/catch.hpp>

#include "minibroker/core/decimal.hpp"

using namespace minibroker;

namespace {
constexpr decimal cent{1, 2};
constexpr decimal nickel{5, 2};
constexpr decimal whole{1, 0};

decimal_error error_of(std::string_view text, decimal tick) {
  auto result = parse_price(text, tick);
  REQUIRE_FALSE(result);
  return static_cast<decimal_error>(result.error().value());
}
} // namespace

TEST_CASE("decimal: text with as many decimals as the tick converts exactly", "[decimal]") {
  CHECK(parse_price("100.25", cent).value() == price{10025});
  CHECK(parse_price("0.01", cent).value() == price{1});
  CHECK(parse_price("7", cent).value() == price{700});
  CHECK(parse_price("-3.50", cent).value() == price{-350});
  CHECK(parse_price("0", cent).value() == price{0});
}

TEST_CASE("decimal: more precision than the tick is an error, not a rounding", "[decimal]") {
  CHECK(error_of("100.255", cent) == decimal_error::not_on_tick);
  CHECK(error_of("100.03", nickel) == decimal_error::not_on_tick);
  CHECK(error_of("0.5", whole) == decimal_error::not_on_tick);
}

TEST_CASE("decimal: trailing zeros beyond the tick are harmless", "[decimal]") {
  CHECK(parse_price("100.250", cent).value() == price{10025});
  CHECK(parse_price("100.05000", nickel).value() == price{2001});
  CHECK(parse_price("12.000", whole).value() == price{12});
}

TEST_CASE("decimal: malformed text is refused", "[decimal]") {
  CHECK(error_of("", cent) == decimal_error::empty);
  for (std::string_view bad : {"abc", "1.", ".5", "+1", "1e3", " 1", "1 ", "1.2.3", "-", "-.5", "1,5", "0x10", "--1"}) {
    INFO(bad);
    CHECK(error_of(bad, cent) == decimal_error::malformed);
  }
}

TEST_CASE("decimal: values beyond 64 bits are out of range", "[decimal]") {
  CHECK(error_of("92233720368547758.08", cent) == decimal_error::out_of_range);
  CHECK(error_of("99999999999999999999", whole) == decimal_error::out_of_range);
  CHECK(parse_price("92233720368547758.07", cent).value() == price{INT64_MAX});
  CHECK(parse_price("-92233720368547758.08", cent).value() == price{INT64_MIN});
}

TEST_CASE("decimal: a tick size must be positive", "[decimal]") {
  CHECK(error_of("1", decimal{0, 2}) == decimal_error::bad_tick_size);
  CHECK(error_of("1", decimal{-1, 2}) == decimal_error::bad_tick_size);
}

TEST_CASE("decimal: ticks format with the tick's number of decimals", "[decimal]") {
  CHECK(format_price(price{14330}, cent) == "143.30");
  CHECK(format_price(price{1}, cent) == "0.01");
  CHECK(format_price(price{0}, cent) == "0.00");
  CHECK(format_price(price{-350}, cent) == "-3.50");
  CHECK(format_price(price{2001}, nickel) == "100.05");
  CHECK(format_price(price{12}, whole) == "12");
  CHECK(format_price(price{5}, decimal{25, 1}) == "12.5");
  CHECK(format_price(price{INT64_MAX}, nickel) == "461168601842738790.35");
}

TEST_CASE("decimal: prices format alike whether ticks times the tick fit in 64 bits or not", "[decimal]") {
  CHECK(format_price(price{INT64_MIN}, cent) == "-92233720368547758.08");
  CHECK(format_price(price{INT64_MAX}, decimal{4, 0}) == "36893488147419103228"); // just past 2^64
  CHECK(format_price(price{INT64_MIN}, decimal{4, 0}) == "-36893488147419103232");
  CHECK(format_price(price{-INT64_MAX}, decimal{2, 0}) == "-18446744073709551614"); // just under 2^64
  CHECK(format_price(price{7}, decimal{1, 18}) == "0.000000000000000007");
}

TEST_CASE("decimal: parse and format round-trip", "[decimal]") {
  for (std::int64_t ticks : {1LL, 9LL, 10LL, 99LL, 100LL, 12345678LL, -42LL}) {
    const auto text = format_price(price{ticks}, cent);
    CHECK(parse_price(text, cent).value() == price{ticks});
  }
}

TEST_CASE("decimal: tick sizes parse and compare by value", "[decimal]") {
  CHECK(decimal::parse("0.01").value() == cent);
  CHECK(decimal::parse("0.010").value() == cent);
  CHECK(decimal::parse("0.05").value() == nickel);
  CHECK_FALSE(decimal::parse("0.05").value() == cent);
  CHECK(decimal::parse("0.25").value().to_string() == "0.25");
  CHECK(decimal{1, 0}.to_string() == "1");
}

TEST_CASE("decimal: quantities are whole numbers", "[decimal]") {
  CHECK(parse_quantity("100").value() == quantity{100});
  CHECK(parse_quantity("-5").value() == quantity{-5});
  CHECK_FALSE(parse_quantity("1.5"));
  CHECK_FALSE(parse_quantity(""));
  CHECK_FALSE(parse_quantity("12a"));
}

TEST_CASE("decimal: errors carry a readable message", "[decimal]") {
  auto result = parse_price("1.001", cent);
  REQUIRE_FALSE(result);
  CHECK(result.error().message() == "price is not a multiple of the tick size");
  CHECK(std::string(result.error().category().name()) == "minibroker.decimal");
}
