#include <catch2/catch.hpp>

#include <functional>

#include "scenario.hpp"

using namespace minibroker;
using namespace minibroker::test;
namespace names = minibroker::broker_names;

namespace {

// Submits `request` to a broker that lists acme (lot 10) and bolt (halted) and knows order 1
// (resting) and order 2 (filled); expects a reject with `reason`, never sent to the exchange.
void expect_rejected_here(const std::function<order_request(const broker_scenario&)>& make, reject_reason reason) {
  broker_scenario s;
  s.listen();
  s.open({listing(acme, quantity{10}), listing(bolt, quantity{1}, instrument_status::halted)});
  const auto first = s.limit(1, side::buy, 100, 9'900);
  const auto second = s.limit(2, side::sell, 10, 10'100);
  s.submit(first);
  s.submit(second);
  s.exchange_reports(
      report_on(first, order_id{11}, 1, exec_type::new_order, order_status::new_order, quantity{0}, quantity{100}));
  s.exchange_reports(
      report_on(second, order_id{12}, 2, exec_type::trade, order_status::filled, quantity{10}, quantity{0}));
  const std::size_t sent_before = s.gateway.sent.size();
  const std::size_t orders_before = s.b.orders().size();
  s.reports.clear();

  const order_request request = make(s);
  s.submit(request);

  INFO("expected " << to_string(reason));
  CHECK(s.gateway.sent.size() == sent_before);
  CHECK(s.b.orders().size() == orders_before);
  REQUIRE(s.reports.size() == 1);
  const execution_report& e = s.reports[0].payload.report;
  CHECK(e.type == exec_type::rejected);
  CHECK(to_string(e.reason) == to_string(reason));
  CHECK(e.client_id == client_id_of(request));
  CHECK(e.sequence == 0);
  CHECK(e.time == s.clock.now());
  CHECK(s.reports[0].header.routing_key == names::report_routing_key(e.status));
  const broker_stats stats = s.b.stats();
  CHECK(stats.requests.rejected_for(reason) == 1);
  CHECK(stats.requests.rejected_total() == 1);
  CHECK(stats.requests.reject_reports.enqueued == 1);
  CHECK(stats.requests.received == stats.requests.accepted + stats.requests.rejected_total());
}

} // namespace

TEST_CASE("broker: an order for an unknown instrument is rejected before the exchange", "[broker][handler]") {
  expect_rejected_here([](const auto& s) { return s.limit(5, side::buy, 10, 100, instrument_id{99}); },
                       reject_reason::unknown_instrument);
}

TEST_CASE("broker: an order for a halted instrument is rejected before the exchange", "[broker][handler]") {
  expect_rejected_here([](const auto& s) { return s.limit(5, side::buy, 10, 100, bolt); },
                       reject_reason::instrument_halted);
}

TEST_CASE("broker: a zero or negative quantity is rejected before the exchange", "[broker][handler]") {
  expect_rejected_here([](const auto& s) { return s.limit(5, side::buy, 0, 100); }, reject_reason::invalid_quantity);
  expect_rejected_here([](const auto& s) { return s.limit(5, side::buy, -10, 100); }, reject_reason::invalid_quantity);
}

TEST_CASE("broker: a quantity that is not whole lots is rejected before the exchange", "[broker][handler]") {
  expect_rejected_here([](const auto& s) { return s.limit(5, side::buy, 15, 100); },
                       reject_reason::quantity_not_lot_multiple);
}

TEST_CASE("broker: a limit order without a positive price is rejected before the exchange", "[broker][handler]") {
  expect_rejected_here([](const auto& s) { return s.limit(5, side::buy, 10, 0); }, reject_reason::invalid_price);
  expect_rejected_here([](const auto& s) { return s.limit(5, side::buy, 10, -3); }, reject_reason::invalid_price);
  expect_rejected_here(
      [](const auto& s) {
        auto r = s.limit(5, side::buy, 10, 100);
        r.limit_price.reset();
        return r;
      },
      reject_reason::invalid_price);
}

TEST_CASE("broker: a market order with a price is rejected before the exchange", "[broker][handler]") {
  expect_rejected_here(
      [](const auto& s) {
        auto r = s.market(5, side::buy, 10);
        r.limit_price = price{100};
        return r;
      },
      reject_reason::price_on_market_order);
}

TEST_CASE("broker: a new order reusing a client order id is rejected before the exchange", "[broker][handler]") {
  expect_rejected_here([](const auto& s) { return s.limit(1, side::buy, 10, 100); },
                       reject_reason::duplicate_client_order_id);
  expect_rejected_here([](const auto& s) { return s.limit(2, side::buy, 10, 100); },
                       reject_reason::duplicate_client_order_id);
}

TEST_CASE("broker: a request for another institution is rejected before the exchange", "[broker][handler]") {
  expect_rejected_here(
      [](const auto& s) {
        auto r = s.limit(5, side::buy, 10, 100);
        r.institution = institution_id{99};
        return r;
      },
      reject_reason::unknown_institution);
}

TEST_CASE("broker: a cancel of an unknown or finished or misplaced order is rejected before the exchange",
          "[broker][handler]") {
  expect_rejected_here([](const auto& s) { return s.cancel(42); }, reject_reason::unknown_order);
  expect_rejected_here([](const auto& s) { return s.cancel(2); }, reject_reason::unknown_order);
  expect_rejected_here([](const auto& s) { return s.cancel(1, bolt); }, reject_reason::unknown_order);
  expect_rejected_here([](const auto& s) { return s.cancel(1, instrument_id{99}); }, reject_reason::unknown_instrument);
}

TEST_CASE("broker: a bad replace is rejected before the exchange with the matcher's reason", "[broker][handler]") {
  expect_rejected_here([](const auto& s) { return s.replace(42, 100, std::nullopt); }, reject_reason::unknown_order);
  expect_rejected_here([](const auto& s) { return s.replace(2, 100, std::nullopt); }, reject_reason::unknown_order);
  expect_rejected_here([](const auto& s) { return s.replace(1, std::nullopt, std::nullopt); },
                       reject_reason::nothing_to_replace);
  expect_rejected_here([](const auto& s) { return s.replace(1, std::nullopt, 0); }, reject_reason::invalid_quantity);
  expect_rejected_here([](const auto& s) { return s.replace(1, std::nullopt, 25); },
                       reject_reason::quantity_not_lot_multiple);
  expect_rejected_here([](const auto& s) { return s.replace(1, 0, std::nullopt); }, reject_reason::invalid_price);
  expect_rejected_here([](const auto& s) { return s.replace(1, 100, std::nullopt, bolt); },
                       reject_reason::instrument_halted);
}

TEST_CASE("broker: a refused replace of a live order reports the order's own status", "[broker][handler]") {
  broker_scenario s;
  s.listen();
  s.open({listing(acme)});
  const auto r = s.limit(1, side::buy, 100, 9'900);
  s.submit(r);
  s.exchange_reports(
      report_on(r, order_id{11}, 1, exec_type::new_order, order_status::new_order, quantity{0}, quantity{100}));
  s.reports.clear();

  s.submit(s.replace(1, -1, std::nullopt));

  REQUIRE(s.reports.size() == 1);
  const execution_report& e = s.reports[0].payload.report;
  CHECK(e.type == exec_type::rejected);
  CHECK(e.reason == reject_reason::invalid_price);
  CHECK(e.status == order_status::new_order);
  CHECK(e.order == order_id{11});
  CHECK(e.open_qty == quantity{100});
  CHECK(s.reports[0].header.routing_key == "order.report.new");
  CHECK(s.order(1).status == order_status::new_order);
}

TEST_CASE("broker: an accepted order is recorded pending_new and stamped and sent", "[broker][handler]") {
  broker_scenario s;
  s.listen();
  s.open({listing(acme)});
  s.clock.advance_by(std::chrono::microseconds{250});
  const timestamp sent_at = s.clock.now();
  s.clock.advance_by(std::chrono::microseconds{50});

  order_trace trace;
  trace.frontend_sent = sent_at;
  s.b.handler().submit(s.limit(1, side::buy, 100, 9'900), trace);
  const timestamp received_at = s.clock.now();
  // Recorded at once, before the connector has had a turn.
  CHECK(s.order(1).status == order_status::pending_new);
  CHECK(s.gateway.sent.empty());
  s.settle();

  REQUIRE(s.gateway.sent.size() == 1);
  const traced_request& sent = s.gateway.sent[0];
  REQUIRE(std::holds_alternative<new_order_request>(sent.request));
  CHECK(std::get<new_order_request>(sent.request).qty == quantity{100});
  CHECK(sent.trace.frontend_sent == sent_at);
  CHECK(sent.trace.broker_received == received_at);
  const order_record& o = s.order(1);
  CHECK(o.status == order_status::pending_new);
  CHECK(o.order == order_id{});
  CHECK(o.open_qty == quantity{100});
  CHECK(o.limit_price == price{9'900});
  CHECK(o.last_update == received_at);
  CHECK(s.reports.empty()); // nothing for frontends until the exchange answers

  const broker_stats stats = s.b.stats();
  CHECK(stats.requests.received == 1);
  CHECK(stats.requests.new_orders == 1);
  CHECK(stats.requests.accepted == 1);
  CHECK(stats.requests.requests.enqueued == 1);
  CHECK(stats.exchange.sent_new == 1);
  CHECK(stats.bus.queue(names::order_created_queue)->delivered == 1);
}

TEST_CASE("broker: a request without a frontend stamp is stamped as sent when received", "[broker][handler]") {
  broker_scenario s;
  s.open({listing(acme)});
  s.clock.advance_by(std::chrono::seconds{1});
  s.submit(s.market(1, side::sell, 5));
  REQUIRE(s.gateway.sent.size() == 1);
  CHECK(s.gateway.sent[0].trace.frontend_sent == t0 + std::chrono::seconds{1});
  CHECK(s.gateway.sent[0].trace.broker_received == t0 + std::chrono::seconds{1});
  CHECK(s.order(1).type == order_type::market);
  CHECK_FALSE(s.order(1).limit_price.has_value());
}

TEST_CASE("broker: a full order queue turns requests into queue_full rejects", "[broker][handler][backpressure]") {
  broker_config config = config_for(institution_id{7});
  config.order_queue.capacity = 2;
  broker_scenario s(institution_id{7}, config);
  s.listen();
  s.open({listing(acme)});

  // Three orders before the connector gets a turn: the third finds the queue full.
  for (client_order_id::rep id = 1; id <= 3; ++id) {
    s.b.handler().submit(s.limit(id, side::buy, 10, 100));
  }
  s.settle();

  CHECK(s.gateway.sent.size() == 2);
  CHECK(s.b.orders().size() == 2);
  CHECK(s.b.orders().find(s.b.institution(), client_order_id{3}) == nullptr);
  REQUIRE(s.reports.size() == 1);
  CHECK(s.reports[0].payload.report.client_id == client_order_id{3});
  CHECK(s.reports[0].payload.report.reason == reject_reason::queue_full);
  CHECK(s.reports[0].header.routing_key == "order.report.rejected");

  const broker_stats stats = s.b.stats();
  CHECK(stats.requests.received == 3);
  CHECK(stats.requests.accepted == 2);
  CHECK(stats.requests.rejected_for(reject_reason::queue_full) == 1);
  CHECK(stats.requests.requests.refused == 1);
  CHECK(stats.bus.queue(names::order_created_queue)->rejected == 1);

  // Once drained, the same client order id goes through.
  s.submit(s.limit(3, side::buy, 10, 100));
  CHECK(s.gateway.sent.size() == 3);
  CHECK(s.order(3).status == order_status::pending_new);
}
