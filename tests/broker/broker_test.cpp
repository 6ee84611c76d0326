#include <catch2/catch.hpp>

#include <stdexcept>

#include "scenario.hpp"

using namespace minibroker;
using namespace minibroker::test;
using strings = std::vector<std::string>;
namespace names = minibroker::broker_names;

TEST_CASE("broker: report routing keys are the prefix and the status name", "[broker][topology]") {
  for (std::size_t i = 0; i < order_status_count; ++i) {
    const auto status = static_cast<order_status>(i);
    CHECK(names::report_routing_key(status) ==
          std::string(names::order_report_prefix) + std::string(to_string(status)));
  }
}

TEST_CASE("broker: the topology uses the named topics and queues", "[broker][topology]") {
  broker_scenario s;
  const bus::bus_stats stats = s.b.bus().stats();
  CHECK(stats.topic(names::market_data_topic) != nullptr);
  CHECK(stats.topic(names::order_topic) != nullptr);
  CHECK(stats.queue(names::instruments_queue) != nullptr);
  CHECK(stats.queue(names::quotes_queue) != nullptr);
  CHECK(stats.queue(names::order_created_queue) != nullptr);
  CHECK_FALSE(s.gateway.has_listener());
  s.b.start();
  CHECK(s.gateway.has_listener());
}

TEST_CASE("broker: a config that does not match the gateway or would drop orders is refused", "[broker][config]") {
  boost::asio::io_context io;
  virtual_clock clock{t0};
  fake_feed feed;
  fake_gateway gateway{institution_id{7}};
  CHECK_THROWS_AS(broker(io, clock, feed, gateway, config_for(institution_id{8})), std::invalid_argument);
  broker_config dropping = config_for(institution_id{7});
  dropping.order_queue.overflow = bus::overflow_policy::drop_head;
  CHECK_THROWS_AS(broker(io, clock, feed, gateway, dropping), std::invalid_argument);
  CHECK_NOTHROW(broker(io, clock, feed, gateway, config_for(institution_id{7})));
}

TEST_CASE("broker: requests submitted before start wait in the queue", "[broker][lifecycle]") {
  broker_scenario s;
  s.feed.push(listing(acme));
  s.b.handler().submit(s.limit(1, side::buy, 10, 100)); // unknown instrument yet: not started
  s.b.start();
  s.settle();
  s.submit(s.limit(2, side::buy, 10, 100));
  CHECK(s.b.stats().requests.rejected_for(reject_reason::unknown_instrument) == 1);
  CHECK(s.gateway.sent.size() == 1);
}

TEST_CASE("broker: two brokers on one exchange see only their own reports", "[broker][institutions]") {
  boost::asio::io_context io;
  virtual_clock clock{t0};
  fake_feed feed; // one exchange's feed, two subscribers
  fake_gateway gateway_a{institution_id{1}};
  fake_gateway gateway_b{institution_id{2}};
  broker a(io, clock, feed, gateway_a, config_for(institution_id{1}, "a"));
  broker b(io, clock, feed, gateway_b, config_for(institution_id{2}, "b"));
  std::vector<traced_report> seen_a;
  std::vector<traced_report> seen_b;
  // Same queue name on both: each bus is its own namespace.
  auto qa = a.declare_report_queue("FRONTEND");
  auto qb = b.declare_report_queue("FRONTEND");
  REQUIRE(qa);
  REQUIRE(qb);
  REQUIRE(a.bus().subscribe(*qa, a.executor(), [&](bus::message<traced_report>& m) { seen_a.push_back(m.payload); }));
  REQUIRE(b.bus().subscribe(*qb, b.executor(), [&](bus::message<traced_report>& m) { seen_b.push_back(m.payload); }));
  feed.push(listing(acme));
  a.start();
  b.start();
  auto settle = [&] {
    io.restart();
    io.run();
  };
  settle();
  CHECK(a.instruments().contains(acme));
  CHECK(b.instruments().contains(acme));

  // Both use client order id 1: ids are per institution.
  new_order_request ra{institution_id{1}, client_order_id{1}, acme,         side::buy,
                       order_type::limit, time_in_force::gtc, price{9'900}, quantity{10}};
  new_order_request rb = ra;
  rb.institution = institution_id{2};
  rb.side = side::sell;
  a.handler().submit(ra);
  b.handler().submit(rb);
  settle();
  REQUIRE(gateway_a.sent.size() == 1);
  REQUIRE(gateway_b.sent.size() == 1);
  CHECK(institution_of(gateway_a.sent[0].request) == institution_id{1});
  CHECK(institution_of(gateway_b.sent[0].request) == institution_id{2});

  gateway_a.report(report_on(ra, order_id{1}, 1, exec_type::trade, order_status::filled, quantity{10}, quantity{0}));
  gateway_b.report(report_on(rb, order_id{2}, 2, exec_type::trade, order_status::filled, quantity{10}, quantity{0}));
  settle();

  REQUIRE(seen_a.size() == 1);
  REQUIRE(seen_b.size() == 1);
  CHECK(seen_a[0].report.institution == institution_id{1});
  CHECK(seen_b[0].report.institution == institution_id{2});
  CHECK(a.orders().size() == 1);
  CHECK(b.orders().size() == 1);
  CHECK(a.orders().find(institution_id{2}, client_order_id{1}) == nullptr);
  CHECK(b.orders().find(institution_id{1}, client_order_id{1}) == nullptr);
  CHECK(a.orders().find(institution_id{1}, client_order_id{1})->side == side::buy);
  CHECK(b.orders().find(institution_id{2}, client_order_id{1})->side == side::sell);
}

namespace {

// A small session whose every observable event is written to one log.
std::string session_log() {
  broker_scenario s;
  std::string log;
  auto queue = s.b.declare_report_queue("FRONTEND");
  REQUIRE(queue);
  REQUIRE(s.b.bus().subscribe(*queue, s.b.executor(), [&](bus::message<traced_report>& m) {
    log += fmt::format("{} #{} {} t={}\n", m.header.routing_key, m.header.sequence, m.payload.report,
                       m.payload.trace.report_received.time_since_epoch().count());
  }));
  s.open({listing(acme), listing(bolt, quantity{10})});
  for (client_order_id::rep id = 1; id <= 20; ++id) {
    s.clock.advance_by(std::chrono::microseconds{id});
    s.b.handler().submit(s.limit(id, id % 2 == 0 ? side::buy : side::sell, static_cast<std::int64_t>(id % 3) * 10,
                                 100 + static_cast<std::int64_t>(id), id % 4 == 0 ? bolt : acme));
    if (id % 5 == 0) {
      s.b.handler().submit(s.cancel(id - 1, acme));
    }
  }
  s.settle();
  sequence_number seq = 0;
  for (const traced_request& r : s.gateway.sent) {
    log += fmt::format("sent {} at {}\n", client_id_of(r.request), r.trace.broker_received.time_since_epoch().count());
    if (const auto* n = std::get_if<new_order_request>(&r.request)) {
      s.gateway.report(report_on(*n, order_id{n->id.value()}, ++seq, exec_type::new_order, order_status::new_order,
                                 quantity{0}, n->qty));
    }
  }
  s.settle();
  for (const order_record& o : s.b.orders()) {
    log += fmt::format("{}\n", o);
  }
  return log;
}

} // namespace

TEST_CASE("broker: the same inputs give the same event log byte for byte", "[broker][determinism]") {
  const std::string first = session_log();
  CHECK(first.find("order.report.rejected") != std::string::npos);
  CHECK(first.find("order.report.new") != std::string::npos);
  CHECK(first == session_log());
}
