#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "minibroker/core/enums.hpp"

using namespace minibroker;

TEST_CASE("enums: names round-trip through text", "[enums]") {
  for (auto s : {side::buy, side::sell}) {
    CHECK(side_from_string(to_string(s)) == s);
  }
  for (auto t : {order_type::limit, order_type::market}) {
    CHECK(order_type_from_string(to_string(t)) == t);
  }
  for (auto t : {time_in_force::gtc, time_in_force::ioc, time_in_force::fok}) {
    CHECK(time_in_force_from_string(to_string(t)) == t);
  }
  for (int i = 0; i <= static_cast<int>(order_status::expired); ++i) {
    auto s = static_cast<order_status>(i);
    CHECK(order_status_from_string(to_string(s)) == s);
  }
  for (int i = 0; i <= static_cast<int>(reject_reason::queue_full); ++i) {
    auto r = static_cast<reject_reason>(i);
    CHECK(reject_reason_from_string(to_string(r)) == r);
  }
}

TEST_CASE("enums: unknown text is refused, case matters", "[enums]") {
  CHECK_FALSE(side_from_string("BUY"));
  CHECK_FALSE(side_from_string(""));
  CHECK_FALSE(time_in_force_from_string("day"));
}

TEST_CASE("enums: formatters print the stable names", "[enums]") {
  CHECK(fmt::format("{} {} {}", side::sell, time_in_force::fok, reject_reason::price_not_on_tick) ==
        "sell fok price_not_on_tick");
  CHECK(opposite(side::buy) == side::sell);
  CHECK(is_final(order_status::filled));
  CHECK_FALSE(is_final(order_status::partially_filled));
}
