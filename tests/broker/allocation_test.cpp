// Steady-state quotes and cancel/replace requests allocate nothing in the broker: this test
// program counts every operator new (for all its tests; only this one looks).
//
// Reports are not measured here: their routing keys ("order.report.new" and longer) exceed
// std::string's small buffer, and the bus allocates a routing key longer than that for each
// message it enqueues (see tests/bus/allocation_test.cpp).

#include <catch2/catch.hpp>

#include "counting_new.hpp"

#include "scenario.hpp"

using minibroker::test::allocations;

using namespace minibroker;
using namespace minibroker::test;

TEST_CASE("broker: quotes and cancel or replace requests allocate nothing in steady state", "[broker][allocation]") {
  broker_config config = config_for(institution_id{7});
  config.quotes_retention.max_rows = 256; // the timetable recycles its rows once full
  broker_scenario s(institution_id{7}, config);
  s.open({listing(acme)});
  const auto r = s.limit(1, side::buy, 100, 9'900);
  s.submit(r);
  s.exchange_reports(
      report_on(r, order_id{11}, 1, exec_type::new_order, order_status::new_order, quantity{0}, quantity{100}));
  s.gateway.sent.reserve(100'000);

  sequence_number seq = 0;
  auto round = [&] {
    for (int i = 0; i < 500; ++i) {
      ++seq;
      s.feed.push(quote_of(acme, 9'900 + i % 7, 10'000 + i % 5, t0 + std::chrono::microseconds{seq}, seq));
      if (i % 2 == 0) {
        s.b.handler().submit(s.cancel(1));
      } else {
        s.b.handler().submit(s.replace(1, 9'800 + i % 11, std::nullopt));
      }
    }
    s.settle();
  };
  for (int i = 0; i < 3; ++i) {
    round(); // warm up: queue slots, route caches, the timetable's rows, asio's handler memory
  }
  const std::size_t sent_before = s.gateway.sent.size();
  const long before = allocations();
  for (int i = 0; i < 3; ++i) {
    round();
  }
  const long allocated = allocations() - before;
  CHECK(allocated == 0);
  CHECK(s.gateway.sent.size() - sent_before == 1'500);
  CHECK(s.b.stats().market_data_stored.quotes_stored == 3'000);
  CHECK(s.b.quotes_timetable().size() == 256);
}
