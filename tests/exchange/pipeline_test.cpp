#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "exchange_support.hpp"

using namespace minibroker;
using namespace minibroker::testing;

namespace {

using lines = std::vector<std::string>;
const instrument_id x1{1};
const instrument_id x2{2};

} // namespace

TEST_CASE("exchange: declares its topic, queues and bindings by the original names", "[exchange][topology]") {
  scenario s;
  const auto stats = s.ex.stats().bus;
  REQUIRE(stats.topic("EXCHANGE_ORDER_TOPIC") != nullptr);
  REQUIRE(stats.queue("EXCHANGE_ORDER_CREATED_QUEUE") != nullptr);
  REQUIRE(stats.queue("EXCHANGE_ORDER_PROCESSOR_QUEUE") != nullptr);

  report_recorder a;
  s.attach(inst_a, a);
  s.send(limit(inst_a, 1, x1, side::buy, s.lots(x1, 1), s.ref(x1)));
  s.run();
  const auto after = s.ex.stats().bus;
  CHECK(after.topic("EXCHANGE_ORDER_TOPIC")->published == 2); // order.created, order.matched
  CHECK(after.topic("EXCHANGE_ORDER_TOPIC")->unroutable == 0);
  CHECK(after.queue("EXCHANGE_ORDER_CREATED_QUEUE")->delivered == 1);
  CHECK(after.queue("EXCHANGE_ORDER_PROCESSOR_QUEUE")->delivered == 1);
}

TEST_CASE("exchange: a fill is reported to both institutions and only to them", "[exchange][pipeline]") {
  scenario s;
  report_recorder a, b, c;
  s.attach(inst_a, a);
  s.attach(inst_b, b);
  s.attach(inst_c, c);
  const quantity ten = s.lots(x1, 10);
  s.send(limit(inst_a, 1, x1, side::buy, ten, s.ref(x1)));
  s.send(limit(inst_b, 1, x1, side::sell, ten, s.ref(x1)));
  s.run();

  const std::string q = fmt::format("{}", ten);
  CHECK(a.lines() == lines{"A new new id=1 cum=0 open=" + q, "A trade filled id=1 cum=" + q + " open=0 last=" + q});
  CHECK(b.lines() == lines{"B new new id=1 cum=0 open=" + q, "B trade filled id=1 cum=" + q + " open=0 last=" + q});
  CHECK(c.reports.empty());

  // Every report carries its request's trace, stamped by the processor and the matcher.
  for (const auto& r : a.reports) {
    CHECK(r.trace.exchange_received == s.clock.now());
    CHECK(r.trace.matched == s.clock.now());
    CHECK(r.report.instrument == x1);
    CHECK(r.report.order != order_id{});
  }
  CHECK(a.reports[1].report.last_price == s.ref(x1));

  const exchange_stats st = s.ex.stats();
  CHECK(st.requests_received == 2);
  CHECK(st.requests_forwarded == 2);
  CHECK(st.door_rejects == 0);
  CHECK(st.trades == 1);
  CHECK(st.volume == static_cast<std::uint64_t>(ten.value()));
  CHECK(st.reports_published == 4);
  CHECK(st.reports_processed == 4);
  CHECK(st.reports_sent == 4);
  CHECK(st.institution(inst_a)->reports_sent == 2);
  CHECK(st.institution(inst_b)->reports_sent == 2);
  CHECK(st.institution(inst_c)->reports_sent == 0);
  CHECK(st.reports_undelivered == 0);
}

TEST_CASE("exchange: the storage and the timetables hold the orders, reports and trades", "[exchange][pipeline]") {
  scenario s;
  const quantity five = s.lots(x2, 5);
  const quantity three = s.lots(x2, 3);
  s.send(limit(inst_a, 7, x2, side::sell, five, s.ref(x2)));
  s.send(limit(inst_b, 9, x2, side::buy, three, s.ref(x2) + price{1}));
  s.run();

  const order_record* sold = s.ex.orders().find(inst_a, client_order_id{7});
  const order_record* bought = s.ex.orders().find(inst_b, client_order_id{9});
  REQUIRE(sold != nullptr);
  REQUIRE(bought != nullptr);
  CHECK(sold->status == order_status::partially_filled);
  CHECK(sold->cum_qty == three);
  CHECK(sold->open_qty == five - three);
  CHECK(bought->status == order_status::filled);
  CHECK(s.ex.orders().find(sold->order) == sold);
  CHECK(s.ex.orders().size() == 2);
  CHECK(s.ex.orders().live_count() == 1);

  // new(A), new(B), trade(B: aggressor), trade(A: resting).
  const auto& reports = s.ex.orders_timetable();
  REQUIRE(reports.size() == 4);
  CHECK(reports.all()[0].row.type == exec_type::new_order);
  CHECK(reports.all()[2].row.type == exec_type::trade);
  CHECK(reports.all()[2].row.institution == inst_b);
  CHECK(reports.size(x2) == 4);

  REQUIRE(s.ex.trades_timetable().size() == 1);
  const trade& t = s.ex.trades_timetable().all()[0].row;
  CHECK(t.px == s.ref(x2)); // the resting order's price
  CHECK(t.qty == three);
  CHECK(t.aggressor == side::buy);
  CHECK(t.buy.institution == inst_b);
  CHECK(t.sell.institution == inst_a);
  CHECK(t.sell.order == sold->order);

  // The book passthroughs see the remainder.
  const auto top = s.ex.l1(x2);
  REQUIRE(top);
  CHECK(top->ask == s.ref(x2));
  CHECK(top->ask_qty == five - three);
  const auto depth = s.ex.l2(x2, 5);
  REQUIRE(depth);
  CHECK(depth->asks.size() == 1);
  CHECK(depth->bids.empty());
  CHECK_FALSE(s.ex.l1(instrument_id{99}));
}

TEST_CASE("exchange: a client order id is accepted once per institution", "[exchange][pipeline][dedup]") {
  scenario s;
  report_recorder a, b;
  s.attach(inst_a, a);
  s.attach(inst_b, b);
  const quantity one = s.lots(x1, 1);
  s.send(limit(inst_a, 5, x1, side::buy, one, s.ref(x1)));
  s.send(limit(inst_a, 5, x1, side::buy, one, s.ref(x1) - price{1}));
  s.send(limit(inst_b, 5, x1, side::buy, one, s.ref(x1))); // another institution's 5 is its own
  s.run();

  REQUIRE(a.reports.size() == 2);
  // The duplicate is refused at the door, before the first order's report comes back.
  CHECK(a.lines() == lines{fmt::format("A rejected rejected id=5 cum=0 open=0 reason=duplicate_client_order_id"),
                           fmt::format("A new new id=5 cum=0 open={}", one)});
  CHECK(b.lines() == lines{fmt::format("B new new id=5 cum=0 open={}", one)});
  // The stored order is the first one, untouched.
  const order_record* stored = s.ex.orders().find(inst_a, client_order_id{5});
  REQUIRE(stored != nullptr);
  CHECK(stored->status == order_status::new_order);
  CHECK(stored->limit_price == s.ref(x1));

  const auto st = s.ex.stats();
  CHECK(st.door_rejected(reject_reason::duplicate_client_order_id) == 1);
  CHECK(st.rejects(reject_reason::duplicate_client_order_id) == 1);
  CHECK(st.requests_received == 3);
  CHECK(st.requests_forwarded == 2);
}

TEST_CASE("exchange: a replaced order is cancelled end to end by a cancel that names no instrument",
          "[exchange][pipeline]") {
  scenario s;
  report_recorder a;
  s.attach(inst_a, a);
  const quantity two = s.lots(x1, 2);
  const quantity four = s.lots(x1, 4);
  s.send(limit(inst_a, 1, x1, side::buy, two, s.ref(x1)));
  s.run();
  s.send(replace(inst_a, 1, s.ref(x1) - price{2}, four, x1));
  s.run();
  s.send(cancel(inst_a, 1)); // instrument 0: the processor finds it in the storage
  s.run();

  CHECK(a.lines() == lines{fmt::format("A new new id=1 cum=0 open={}", two),
                           fmt::format("A replaced new id=1 cum=0 open={}", four),
                           "A cancelled cancelled id=1 cum=0 open=0"});
  const order_record* stored = s.ex.orders().find(inst_a, client_order_id{1});
  REQUIRE(stored != nullptr);
  CHECK(stored->status == order_status::cancelled);
  CHECK(stored->limit_price == s.ref(x1) - price{2});
  CHECK_FALSE(s.ex.l1(x1)->has_bid());

  // A cancel of an order that never existed is the matcher's reject, delivered but not stored.
  s.send(cancel(inst_a, 77, x1));
  s.run();
  CHECK(a.lines().back() == "A rejected rejected id=77 cum=0 open=0 reason=unknown_order");
  CHECK(s.ex.orders().find(inst_a, client_order_id{77}) == nullptr);
  CHECK(s.ex.stats().reports_without_order == 1);
  CHECK(s.ex.stats().rejects(reject_reason::unknown_order) == 1);
}

TEST_CASE("exchange: an unknown institution is rejected back to the session that sent it", "[exchange][pipeline]") {
  scenario s;
  report_recorder a, stranger;
  s.attach(inst_a, a);
  const institution_id nobody{99};
  s.attach(nobody, stranger);

  // Direct: the request names a non-member.
  s.send(limit(nobody, 1, x1, side::buy, s.lots(x1, 1), s.ref(x1)));
  // Through A's gateway, naming B: refused, and told to A (the sender), not to B.
  auto gateway = s.ex.connect(inst_a);
  CHECK(gateway->institution() == inst_a);
  report_recorder via_gateway;
  gateway->set_listener(via_gateway, s.io.get_executor());
  gateway->send(traced_request{limit(inst_b, 2, x1, side::buy, s.lots(x1, 1), s.ref(x1)), {}});
  s.run();

  REQUIRE(stranger.reports.size() == 1);
  CHECK(stranger.reports[0].report.reason == reject_reason::unknown_institution);
  CHECK(stranger.reports[0].report.institution == nobody);
  REQUIRE(via_gateway.reports.size() == 1);
  CHECK(via_gateway.reports[0].report.reason == reject_reason::unknown_institution);
  CHECK(a.reports.empty()); // the gateway's session replaced the test's one
  CHECK(s.ex.orders().empty());

  const auto st = s.ex.stats();
  CHECK(st.door_rejected(reject_reason::unknown_institution) == 2);
  CHECK(st.requests_forwarded == 0);
}

TEST_CASE("exchange: reports for an institution without a session are counted and kept", "[exchange][pipeline]") {
  scenario s;
  s.send(limit(inst_a, 1, x1, side::buy, s.lots(x1, 1), s.ref(x1)));
  s.send(limit(institution_id{99}, 1, x1, side::buy, s.lots(x1, 1), s.ref(x1)));
  s.run();
  const auto st = s.ex.stats();
  CHECK(st.institution(inst_a)->reports_undelivered == 1);
  CHECK(st.reports_undelivered == 2); // A's report, and the reject for the non-member
  CHECK(s.ex.orders().find(inst_a, client_order_id{1})->status == order_status::new_order);
}

TEST_CASE("exchange: a full created queue turns requests into queue_full rejects", "[exchange][backpressure]") {
  auto config = quiet_config();
  config.order_created_queue.capacity = 2;
  scenario s(config);
  report_recorder a;
  s.attach(inst_a, a);
  // Five requests in one burst: the processor handles them all before the matcher drains.
  for (std::uint64_t id = 1; id <= 5; ++id) {
    s.send(limit(inst_a, id, x1, side::buy, s.lots(x1, 1), s.ref(x1) - price{static_cast<std::int64_t>(id)}));
  }
  s.run();

  CHECK(a.lines() == lines{"A rejected rejected id=3 cum=0 open=0 reason=queue_full",
                           "A rejected rejected id=4 cum=0 open=0 reason=queue_full",
                           "A rejected rejected id=5 cum=0 open=0 reason=queue_full",
                           fmt::format("A new new id=1 cum=0 open={}", s.lots(x1, 1)),
                           fmt::format("A new new id=2 cum=0 open={}", s.lots(x1, 1))});
  auto st = s.ex.stats();
  CHECK(st.door_rejected(reject_reason::queue_full) == 3);
  CHECK(st.requests_received == st.requests_forwarded + st.door_rejects);
  CHECK(st.bus.queue("EXCHANGE_ORDER_CREATED_QUEUE")->rejected == 3);
  CHECK(s.ex.orders().size() == 2); // refused requests did not become orders

  // A refused client order id may be sent again once the queue has room.
  s.send(limit(inst_a, 3, x1, side::buy, s.lots(x1, 1), s.ref(x1) - price{3}));
  s.run();
  CHECK(a.lines().back() == fmt::format("A new new id=3 cum=0 open={}", s.lots(x1, 1)));
}

TEST_CASE("exchange: a queue_full reject of a cancel keeps the live order's state", "[exchange][backpressure]") {
  auto config = quiet_config();
  config.order_created_queue.capacity = 1;
  scenario s(config);
  report_recorder a;
  s.attach(inst_a, a);
  s.send(limit(inst_a, 1, x1, side::buy, s.lots(x1, 1), s.ref(x1)));
  s.run();
  s.send(limit(inst_a, 2, x1, side::buy, s.lots(x1, 1), s.ref(x1)));
  s.send(cancel(inst_a, 1, x1)); // refused: the queue holds order 2
  s.run();
  REQUIRE(a.reports.size() == 3);
  const execution_report& refused = a.reports[1].report;
  CHECK(refused.type == exec_type::rejected);
  CHECK(refused.reason == reject_reason::queue_full);
  CHECK(refused.status == order_status::new_order); // unchanged: the order still rests
  CHECK(refused.order == s.ex.orders().find(inst_a, client_order_id{1})->order);
  CHECK(s.ex.orders().find(inst_a, client_order_id{1})->status == order_status::new_order);
}

TEST_CASE("exchange: a halted instrument refuses new orders in the matcher", "[exchange][pipeline]") {
  auto config = quiet_config();
  config.instruments = 1;
  config.quotes_per_second = 20;
  config.status_change_probability = 0.05;
  scenario s(config);
  report_recorder a;
  s.attach(inst_a, a);
  // The moment the feed says halted, send an order for it: the matcher knows already.
  struct on_halt final : feed_listener {
    scenario& sc;
    std::uint64_t next = 1;
    explicit on_halt(scenario& x) : sc(x) {}
    void on_instrument(const instrument& i) override {
      if (i.status == instrument_status::halted) {
        sc.send(limit(inst_a, next++, i.id, side::buy, i.lot_size, i.reference_price));
      }
    }
    void on_quote(const quote&) override {}
  } halts(s);
  s.ex.feed().subscribe(halts, s.io.get_executor());
  s.run_for(std::chrono::seconds{30});
  s.ex.stop();
  s.run();
  REQUIRE(halts.next > 1);
  REQUIRE(a.reports.size() == halts.next - 1);
  for (const auto& r : a.reports) {
    CHECK(r.report.reason == reject_reason::instrument_halted);
  }
  CHECK(s.ex.stats().rejects(reject_reason::instrument_halted) == halts.next - 1);
  CHECK(s.ex.stats().instrument_updates >= 2 * (halts.next - 1) - 1);
}
