#include <catch2/catch.hpp>

#include "scenario.hpp"

using namespace minibroker;
using namespace minibroker::test;
using strings = std::vector<std::string>;
namespace names = minibroker::broker_names;

TEST_CASE("broker: reports take an order from new through partially filled to filled", "[broker][reports]") {
  broker_scenario s;
  s.listen();
  s.open({listing(acme)});
  const auto r = s.limit(1, side::buy, 100, 9'900);
  s.submit(r);

  s.exchange_reports(
      report_on(r, order_id{11}, 1, exec_type::new_order, order_status::new_order, quantity{0}, quantity{100}));
  CHECK(s.order(1).status == order_status::new_order);
  CHECK(s.order(1).order == order_id{11});
  CHECK(s.b.orders().find(order_id{11}) == &s.order(1));

  s.exchange_reports(
      report_on(r, order_id{11}, 2, exec_type::trade, order_status::partially_filled, quantity{40}, quantity{60}));
  CHECK(s.order(1).status == order_status::partially_filled);
  CHECK(s.order(1).cum_qty == quantity{40});
  CHECK(s.order(1).open_qty == quantity{60});

  s.exchange_reports(report_on(r, order_id{11}, 3, exec_type::trade, order_status::filled, quantity{100}, quantity{0}));
  CHECK(s.order(1).status == order_status::filled);
  CHECK(s.order(1).cum_qty == quantity{100});
  CHECK(s.b.orders().live_count() == 0);

  CHECK(s.report_keys() == strings{"order.report.new", "order.report.partially_filled", "order.report.filled"});
  REQUIRE(s.reports.size() == 3);
  CHECK(s.reports[2].payload.report.cum_qty == quantity{100});

  const broker_stats stats = s.b.stats();
  CHECK(stats.exchange.reports_received == 3);
  CHECK(stats.exchange.reports_of(exec_type::new_order) == 1);
  CHECK(stats.exchange.reports_of(exec_type::trade) == 2);
  CHECK(stats.exchange.applied == 3);
  CHECK(stats.exchange.reports.enqueued == 3);
  CHECK(stats.orders.inserted == 1);
  CHECK(stats.orders.updated == 3);
}

TEST_CASE("broker: a report carries every trace stamp back to the frontend", "[broker][reports][trace]") {
  broker_scenario s;
  s.listen();
  s.open({listing(acme)});
  order_trace trace;
  trace.frontend_sent = t0 + std::chrono::microseconds{1};
  s.clock.advance_by(std::chrono::microseconds{2});
  const auto r = s.limit(1, side::buy, 100, 9'900);
  s.submit(r, trace);

  // The exchange adds its stamps to the trace it was sent.
  order_trace back = s.gateway.sent.at(0).trace;
  back.exchange_received = t0 + std::chrono::microseconds{3};
  back.matched = t0 + std::chrono::microseconds{4};
  s.clock.advance_by(std::chrono::microseconds{3});
  s.exchange_reports(
      report_on(r, order_id{11}, 1, exec_type::new_order, order_status::new_order, quantity{0}, quantity{100}), back);

  REQUIRE(s.reports.size() == 1);
  const order_trace& t = s.reports[0].payload.trace;
  CHECK(t.frontend_sent == t0 + std::chrono::microseconds{1});
  CHECK(t.broker_received == t0 + std::chrono::microseconds{2});
  CHECK(t.exchange_received == t0 + std::chrono::microseconds{3});
  CHECK(t.matched == t0 + std::chrono::microseconds{4});
  CHECK(t.report_received == t0 + std::chrono::microseconds{5});
}

TEST_CASE("broker: a cancel goes from the frontend to the exchange and back", "[broker][reports][cancel]") {
  broker_scenario s;
  s.listen();
  s.open({listing(acme)});
  const auto r = s.limit(1, side::sell, 50, 10'100);
  s.submit(r);
  s.exchange_reports(
      report_on(r, order_id{11}, 1, exec_type::new_order, order_status::new_order, quantity{0}, quantity{50}));

  s.submit(s.cancel(1));
  REQUIRE(s.gateway.sent.size() == 2);
  REQUIRE(std::holds_alternative<cancel_request>(s.gateway.sent[1].request));
  CHECK(std::get<cancel_request>(s.gateway.sent[1].request).id == client_order_id{1});
  CHECK(s.order(1).status == order_status::new_order); // until the exchange says otherwise

  s.exchange_reports(
      report_on(r, order_id{11}, 2, exec_type::cancelled, order_status::cancelled, quantity{0}, quantity{0}));
  CHECK(s.order(1).status == order_status::cancelled);
  CHECK(s.report_keys() == strings{"order.report.new", "order.report.cancelled"});
  CHECK(s.b.stats().exchange.sent_cancel == 1);
  CHECK(s.b.stats().requests.cancels == 1);

  // A second cancel is refused here: the order is finished.
  s.submit(s.cancel(1));
  CHECK(s.gateway.sent.size() == 2);
  CHECK(s.reports.back().payload.report.reason == reject_reason::unknown_order);
}

TEST_CASE("broker: a replace goes from the frontend to the exchange and back", "[broker][reports][replace]") {
  broker_scenario s;
  s.listen();
  s.open({listing(acme)});
  const auto r = s.limit(1, side::buy, 100, 9'900);
  s.submit(r);
  s.exchange_reports(
      report_on(r, order_id{11}, 1, exec_type::new_order, order_status::new_order, quantity{0}, quantity{100}));
  s.exchange_reports(
      report_on(r, order_id{11}, 2, exec_type::trade, order_status::partially_filled, quantity{30}, quantity{70}));

  s.submit(s.replace(1, 9'950, 40));
  REQUIRE(s.gateway.sent.size() == 2);
  REQUIRE(std::holds_alternative<replace_request>(s.gateway.sent[1].request));
  const auto& sent = std::get<replace_request>(s.gateway.sent[1].request);
  CHECK(sent.new_price == price{9'950});
  CHECK(sent.new_open_qty == quantity{40});

  auto replaced =
      report_on(r, order_id{11}, 3, exec_type::replaced, order_status::partially_filled, quantity{30}, quantity{40});
  replaced.order_price = price{9'950};
  s.exchange_reports(replaced);
  CHECK(s.order(1).status == order_status::partially_filled);
  CHECK(s.order(1).limit_price == price{9'950});
  CHECK(s.order(1).order_qty == quantity{70});
  CHECK(s.order(1).open_qty == quantity{40});
  CHECK(s.report_keys() ==
        strings{"order.report.new", "order.report.partially_filled", "order.report.partially_filled"});
  CHECK(s.reports.back().payload.report.type == exec_type::replaced);
  CHECK(s.b.stats().exchange.sent_replace == 1);
}

TEST_CASE("broker: the exchange's reject of a cancel that crossed a fill leaves the order filled",
          "[broker][reports][cancel]") {
  broker_scenario s;
  s.listen();
  s.open({listing(acme)});
  const auto r = s.limit(1, side::buy, 100, 9'900);
  s.submit(r);
  s.exchange_reports(
      report_on(r, order_id{11}, 1, exec_type::new_order, order_status::new_order, quantity{0}, quantity{100}));
  s.submit(s.cancel(1)); // in flight while the order fills
  s.exchange_reports(report_on(r, order_id{11}, 2, exec_type::trade, order_status::filled, quantity{100}, quantity{0}));

  execution_report too_late;
  too_late.sequence = 3;
  too_late.instrument = acme;
  too_late.institution = s.b.institution();
  too_late.client_id = client_order_id{1};
  too_late.type = exec_type::rejected;
  too_late.status = order_status::rejected;
  too_late.reason = reject_reason::unknown_order;
  s.exchange_reports(too_late);

  CHECK(s.order(1).status == order_status::filled);
  CHECK(s.order(1).cum_qty == quantity{100});
  CHECK(s.report_keys() == strings{"order.report.new", "order.report.filled", "order.report.rejected"});
  CHECK(s.b.stats().exchange.kept == 1);
}

TEST_CASE("broker: the exchange's reject of a new order marks it rejected", "[broker][reports]") {
  broker_scenario s;
  s.listen();
  s.open({listing(acme)});
  const auto r = s.limit(1, side::buy, 100, 9'900);
  s.submit(r);
  auto rejected = report_on(r, order_id{}, 1, exec_type::rejected, order_status::rejected, quantity{0}, quantity{0});
  rejected.reason = reject_reason::price_not_on_tick;
  s.exchange_reports(rejected);

  CHECK(s.order(1).status == order_status::rejected);
  CHECK(s.order(1).reason == reject_reason::price_not_on_tick);
  CHECK(s.report_keys() == strings{"order.report.rejected"});
  CHECK(s.b.stats().exchange.applied == 1);
}

TEST_CASE("broker: stale and foreign reports are counted and do not change the store", "[broker][reports]") {
  broker_scenario s;
  s.listen();
  s.open({listing(acme)});
  const auto r = s.limit(1, side::buy, 100, 9'900);
  s.submit(r);
  s.exchange_reports(
      report_on(r, order_id{11}, 5, exec_type::trade, order_status::partially_filled, quantity{40}, quantity{60}));
  s.exchange_reports(
      report_on(r, order_id{11}, 4, exec_type::new_order, order_status::new_order, quantity{0}, quantity{100}));
  auto foreign = report_on(r, order_id{12}, 6, exec_type::trade, order_status::filled, quantity{100}, quantity{0});
  foreign.institution = institution_id{99};
  s.exchange_reports(foreign);

  CHECK(s.order(1).status == order_status::partially_filled);
  CHECK(s.b.orders().size() == 1);
  const broker_stats stats = s.b.stats();
  CHECK(stats.exchange.reports_received == 3);
  CHECK(stats.exchange.applied == 1);
  CHECK(stats.exchange.ignored_stale == 1);
  CHECK(stats.exchange.foreign == 1);
  CHECK(stats.exchange.reports_received == stats.exchange.applied + stats.exchange.ignored_stale +
                                               stats.exchange.ignored_duplicate + stats.exchange.kept +
                                               stats.exchange.foreign);
  // The stale one still tells the frontend what the exchange said; the foreign one does not.
  CHECK(s.report_keys() == strings{"order.report.partially_filled", "order.report.new"});
}

TEST_CASE("broker: a frontend can bind to some reports only", "[broker][reports]") {
  broker_scenario s;
  std::vector<std::string> fills;
  auto queue = s.b.declare_report_queue("FILLS", {}, "order.report.filled");
  REQUIRE(queue);
  REQUIRE(s.b.bus().subscribe(*queue, s.b.executor(), [&](bus::message<traced_report>& m) {
    fills.emplace_back(m.header.routing_key.view());
  }));
  s.listen();
  s.open({listing(acme)});
  const auto r = s.limit(1, side::buy, 100, 9'900);
  s.submit(r);
  s.exchange_reports(
      report_on(r, order_id{11}, 1, exec_type::new_order, order_status::new_order, quantity{0}, quantity{100}));
  s.exchange_reports(report_on(r, order_id{11}, 2, exec_type::trade, order_status::filled, quantity{100}, quantity{0}));
  CHECK(fills == strings{"order.report.filled"});
  CHECK(s.reports.size() == 2);
}

TEST_CASE("broker: reports with no frontend bound are counted as unroutable", "[broker][reports]") {
  broker_scenario s; // no listen()
  s.open({listing(acme)});
  const auto r = s.limit(1, side::buy, 100, 9'900);
  s.submit(r);
  s.exchange_reports(
      report_on(r, order_id{11}, 1, exec_type::new_order, order_status::new_order, quantity{0}, quantity{100}));
  CHECK(s.order(1).status == order_status::new_order);
  CHECK(s.b.stats().exchange.reports.unroutable == 1);
  CHECK(s.b.stats().bus.topic(names::order_topic)->unroutable == 1);
}
