// Steady-state appends allocate nothing: this test program counts every operator new.

#include <catch2/catch.hpp>

#include "counting_new.hpp"

#include <string>
#include <vector>

#include "minibroker/store/timetable.hpp"

using minibroker::test::allocations;

using namespace minibroker;

TEST_CASE("timetable: appends in steady state allocate nothing", "[timetable][retention]") {
  quotes_timetable quotes{timetable_retention{500, std::nullopt}};
  instruments_timetable instruments{timetable_retention{50, std::nullopt}};
  std::vector<instrument> catalog;
  for (std::uint32_t i = 0; i < 10; ++i) {
    catalog.push_back(instrument{instrument_id{i}, "A_SYMBOL_TOO_LONG_FOR_SSO_" + std::to_string(i),
                                 "An instrument name too long for the small string buffer", "USD"});
  }
  std::int64_t now = 0;
  auto feed = [&](int n) {
    for (int i = 0; i < n; ++i) {
      quote q{};
      q.instrument = instrument_id{static_cast<std::uint32_t>(i % 10)};
      q.time = timestamp{duration{++now}};
      quotes.append(q);
      if (i % 5 == 0) {
        q.time = timestamp{duration{now - 3}}; // a late row too
        quotes.append(q);
      }
      instruments.append(q.time, catalog[static_cast<std::size_t>(i) % catalog.size()]);
    }
  };
  feed(10'000); // warm up: indexes and storage reach their steady-state size
  const long before = allocations();
  CHECK(before > 0); // the counter sees the warm-up's allocations
  feed(10'000);
  const long during = allocations() - before;
  CHECK(during == 0);
  CHECK(quotes.size() == 500);
  CHECK(instruments.size() == 50);
}
