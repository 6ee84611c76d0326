#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "minibroker/store/orders_storage.hpp"

using namespace minibroker;
using namespace std::chrono_literals;

namespace {

constexpr institution_id alice{1};
constexpr institution_id bob{2};
constexpr instrument_id acme{10};

new_order_request buy(institution_id who, std::uint64_t id, std::int64_t px, std::int64_t qty) {
  return new_order_request{who,       client_order_id{id}, acme, side::buy, order_type::limit, time_in_force::gtc,
                           price{px}, quantity{qty}};
}

// A report as the exchange would send it for the order.
execution_report report(const new_order_request& r, sequence_number seq, std::uint64_t order, exec_type type,
                        order_status status, std::int64_t cum) {
  execution_report e{};
  e.sequence = seq;
  e.time = timestamp{std::chrono::seconds{static_cast<std::int64_t>(seq)}};
  e.instrument = r.instrument;
  e.order = order_id{order};
  e.institution = r.institution;
  e.client_id = r.id;
  e.type = type;
  e.status = status;
  e.side = r.side;
  e.ord_type = r.type;
  e.tif = r.tif;
  e.order_price = r.limit_price.value_or(price{});
  e.order_qty = r.qty;
  e.cum_qty = quantity{cum};
  e.open_qty = is_final(status) ? quantity{0} : r.qty - quantity{cum};
  return e;
}

} // namespace

TEST_CASE("orders: a request is stored pending_new under its client key only", "[orders]") {
  orders_storage store;
  const auto req = buy(alice, 7, 10025, 100);
  CHECK(store.upsert(req, timestamp{5s}) == upsert_result::inserted);

  const order_record* r = store.find(alice, client_order_id{7});
  REQUIRE(r != nullptr);
  CHECK(r->status == order_status::pending_new);
  CHECK(r->order == order_id{});
  CHECK(r->instrument == acme);
  CHECK(r->side == side::buy);
  CHECK(r->limit_price == price{10025});
  CHECK(r->order_qty == quantity{100});
  CHECK(r->open_qty == quantity{100});
  CHECK(r->cum_qty == quantity{0});
  CHECK(r->last_update == timestamp{5s});
  CHECK(r->last_report_sequence == 0);
  CHECK(store.find(order_id{0}) == nullptr);
  CHECK(store.find(bob, client_order_id{7}) == nullptr);
  CHECK(store.size() == 1);
  CHECK(store.count(order_status::pending_new) == 1);
}

TEST_CASE("orders: reports update the order, found by either key", "[orders]") {
  orders_storage store;
  const auto req = buy(alice, 7, 10025, 100);
  store.upsert(req, timestamp{0s});
  CHECK(store.upsert(report(req, 1, 501, exec_type::new_order, order_status::new_order, 0)) == upsert_result::updated);

  const order_record* by_order = store.find(order_id{501});
  const order_record* by_client = store.find(alice, client_order_id{7});
  REQUIRE(by_order != nullptr);
  CHECK(by_order == by_client);
  CHECK(by_order->status == order_status::new_order);
  CHECK(by_order->last_report_sequence == 1);

  CHECK(store.upsert(report(req, 2, 501, exec_type::trade, order_status::partially_filled, 40)) ==
        upsert_result::updated);
  CHECK(store.find(order_id{501})->cum_qty == quantity{40});
  CHECK(store.find(order_id{501})->open_qty == quantity{60});
  CHECK(store.find(order_id{501})->last_update == timestamp{2s});

  CHECK(store.upsert(report(req, 3, 501, exec_type::trade, order_status::filled, 100)) == upsert_result::updated);
  CHECK(store.find(alice, client_order_id{7})->status == order_status::filled);
  CHECK(store.size() == 1);
  CHECK(store.count(order_status::filled) == 1);
  CHECK(store.count(order_status::pending_new) == 0);
  CHECK(store.count(order_status::new_order) == 0);
  CHECK(store.live_count() == 0);
  CHECK(store.stats().inserted == 1);
  CHECK(store.stats().updated == 3);
}

TEST_CASE("orders: the exchange side inserts from the first report", "[orders]") {
  orders_storage store;
  const auto req = buy(bob, 3, 990, 10);
  CHECK(store.upsert(report(req, 1, 77, exec_type::new_order, order_status::new_order, 0)) == upsert_result::inserted);
  const order_record* r = store.find(order_id{77});
  REQUIRE(r != nullptr);
  CHECK(r->institution == bob);
  CHECK(r->client_id == client_order_id{3});
  CHECK(r->limit_price == price{990});
  CHECK(r->type == order_type::limit);
  CHECK(store.find(bob, client_order_id{3}) == r);
}

TEST_CASE("orders: insert_new stores the record upsert of a new request stores", "[orders]") {
  orders_storage upserted;
  orders_storage inserted;
  const auto req = buy(alice, 7, 10025, 100);
  upserted.upsert(req, timestamp{5s});
  inserted.insert_new(req, timestamp{5s});
  REQUIRE(inserted.find(alice, client_order_id{7}) != nullptr);
  CHECK(*inserted.find(alice, client_order_id{7}) == *upserted.find(alice, client_order_id{7}));
  CHECK(inserted.stats().inserted == 1);
  CHECK(inserted.count(order_status::pending_new) == 1);
}

TEST_CASE("orders: update applies a report to a known order and leaves an unknown one out", "[orders]") {
  orders_storage store;
  const auto known = buy(alice, 7, 100, 10);
  const auto unknown = buy(bob, 8, 100, 10);
  store.upsert(known, timestamp{});

  CHECK(store.update(report(known, 1, 5, exec_type::new_order, order_status::new_order, 0)) == upsert_result::updated);
  CHECK(store.find(order_id{5}) == store.find(alice, client_order_id{7}));
  CHECK(store.update(report(known, 1, 5, exec_type::new_order, order_status::new_order, 0)) ==
        upsert_result::ignored_stale);

  CHECK_FALSE(store.update(report(unknown, 2, 6, exec_type::new_order, order_status::new_order, 0)).has_value());
  CHECK(store.find(bob, client_order_id{8}) == nullptr);
  CHECK(store.find(order_id{6}) == nullptr);
  CHECK(store.size() == 1);
  CHECK(store.stats().inserted == 1);
  CHECK(store.stats().updated == 1);
  CHECK(store.stats().ignored_stale == 1);
}

TEST_CASE("orders: a market order has no limit price", "[orders]") {
  orders_storage store;
  new_order_request req{alice,        client_order_id{1}, acme, side::sell, order_type::market, time_in_force::ioc,
                        std::nullopt, quantity{5}};
  store.upsert(req, timestamp{});
  CHECK_FALSE(store.find(alice, client_order_id{1})->limit_price.has_value());
  store.upsert(report(req, 1, 9, exec_type::expired, order_status::expired, 0));
  CHECK_FALSE(store.find(order_id{9})->limit_price.has_value());
  CHECK(store.find(order_id{9})->tif == time_in_force::ioc);
}

TEST_CASE("orders: stale and repeated reports are ignored and counted", "[orders]") {
  orders_storage store;
  const auto req = buy(alice, 7, 100, 10);
  store.upsert(report(req, 5, 1, exec_type::new_order, order_status::new_order, 0));
  store.upsert(report(req, 8, 1, exec_type::trade, order_status::filled, 10));
  CHECK(store.upsert(report(req, 6, 1, exec_type::trade, order_status::partially_filled, 4)) ==
        upsert_result::ignored_stale);
  CHECK(store.upsert(report(req, 8, 1, exec_type::trade, order_status::filled, 10)) == upsert_result::ignored_stale);
  CHECK(store.find(order_id{1})->status == order_status::filled);
  CHECK(store.find(order_id{1})->cum_qty == quantity{10});
  CHECK(store.stats().ignored_stale == 2);

  // Unsequenced reports always apply.
  CHECK(store.upsert(report(req, 0, 1, exec_type::trade, order_status::filled, 10)) == upsert_result::updated);
  CHECK(store.find(order_id{1})->last_report_sequence == 8);
}

TEST_CASE("orders: a second request with a used client order id does not touch the order", "[orders]") {
  orders_storage store;
  const auto first = buy(alice, 7, 100, 10);
  store.upsert(first, timestamp{});
  store.upsert(report(first, 1, 1, exec_type::new_order, order_status::new_order, 0));

  const auto second = buy(alice, 7, 200, 99);
  CHECK(store.upsert(second, timestamp{}) == upsert_result::ignored_duplicate);
  execution_report dup = report(second, 2, 0, exec_type::rejected, order_status::rejected, 0);
  dup.reason = reject_reason::duplicate_client_order_id;
  CHECK(store.upsert(dup) == upsert_result::ignored_duplicate);

  const order_record* r = store.find(alice, client_order_id{7});
  CHECK(r->status == order_status::new_order);
  CHECK(r->limit_price == price{100});
  CHECK(r->order_qty == quantity{10});
  CHECK(store.stats().ignored_duplicate == 2);
}

TEST_CASE("orders: a reject before an order id is stored under the client key", "[orders]") {
  orders_storage store;
  const auto req = buy(alice, 9, 100, 0);
  store.upsert(req, timestamp{});
  execution_report rej = report(req, 1, 0, exec_type::rejected, order_status::rejected, 0);
  rej.reason = reject_reason::invalid_quantity;
  CHECK(store.upsert(rej) == upsert_result::updated);
  const order_record* r = store.find(alice, client_order_id{9});
  REQUIRE(r != nullptr);
  CHECK(r->status == order_status::rejected);
  CHECK(r->reason == reject_reason::invalid_quantity);
  CHECK(r->order == order_id{});
  CHECK(store.find(order_id{0}) == nullptr);
  CHECK(store.count(order_status::rejected) == 1);
}

TEST_CASE("orders: a new order id moves the order id index", "[orders]") {
  orders_storage store;
  const auto req = buy(alice, 7, 100, 10);
  store.upsert(report(req, 1, 1, exec_type::new_order, order_status::new_order, 0));
  store.upsert(report(req, 2, 2, exec_type::replaced, order_status::new_order, 0));
  CHECK(store.find(order_id{1}) == nullptr);
  REQUIRE(store.find(order_id{2}) != nullptr);
  CHECK(store.find(order_id{2})->client_id == client_order_id{7});
}

TEST_CASE("orders: an order id another order holds moves to the order a report gives it", "[orders]") {
  orders_storage store;
  const auto first = buy(alice, 1, 100, 10);
  const auto second = buy(alice, 2, 100, 10);
  store.upsert(report(first, 1, 5, exec_type::new_order, order_status::new_order, 0));
  store.upsert(report(second, 2, 5, exec_type::new_order, order_status::new_order, 0));
  REQUIRE(store.find(order_id{5}) != nullptr);
  CHECK(store.find(order_id{5})->client_id == client_order_id{2});
  // The first order moving on does not take the id from the second.
  store.upsert(report(first, 3, 6, exec_type::replaced, order_status::new_order, 0));
  REQUIRE(store.find(order_id{5}) != nullptr);
  CHECK(store.find(order_id{5})->client_id == client_order_id{2});
  CHECK(store.find(order_id{6})->client_id == client_order_id{1});
}

TEST_CASE("orders: ids far from any counter are found like small ones", "[orders]") {
  orders_storage store;
  const std::uint64_t huge = std::uint64_t{1} << 40;
  const auto far = buy(institution_id{70000}, huge, 100, 10);
  const auto near = buy(alice, 3, 100, 10);
  store.upsert(report(far, 1, huge + 1, exec_type::new_order, order_status::new_order, 0));
  store.upsert(report(near, 2, 2, exec_type::new_order, order_status::new_order, 0));
  REQUIRE(store.find(institution_id{70000}, client_order_id{huge}) != nullptr);
  CHECK(store.find(order_id{huge + 1})->client_id == client_order_id{huge});
  CHECK(store.find(order_id{2})->client_id == client_order_id{3});
  CHECK(store.find(institution_id{70000}, client_order_id{3}) == nullptr);
  CHECK(store.find(order_id{huge}) == nullptr);
  CHECK(store.find(order_id{}) == nullptr);
}

TEST_CASE("orders: iteration is in insertion order and counts follow every status change", "[orders]") {
  orders_storage store;
  const auto a = buy(alice, 1, 100, 10);
  const auto b = buy(bob, 1, 100, 10);
  const auto c = buy(alice, 2, 100, 10);
  store.upsert(a, timestamp{});
  store.upsert(b, timestamp{});
  store.upsert(c, timestamp{});
  store.upsert(report(a, 1, 1, exec_type::new_order, order_status::new_order, 0));
  store.upsert(report(b, 2, 2, exec_type::cancelled, order_status::cancelled, 0));

  std::vector<std::string> seen;
  for (const order_record& r : store) {
    seen.push_back(fmt::format("{}/{}", r.institution, r.client_id));
  }
  CHECK(seen == std::vector<std::string>{"1/1", "2/1", "1/2"});
  CHECK(store.count(order_status::pending_new) == 1);
  CHECK(store.count(order_status::new_order) == 1);
  CHECK(store.count(order_status::cancelled) == 1);
  CHECK(store.live_count() == 2);
  CHECK(fmt::format("{}", *store.find(alice, client_order_id{1})) ==
        "order{inst=1 id=1 order=1 instrument=10 new buy limit gtc qty=10 cum=0 open=10 px=100 seq=1}");
}

TEST_CASE("orders: diff reports the orders two storages disagree on", "[orders][diff]") {
  orders_storage broker;
  orders_storage exchange;
  const auto same = buy(alice, 1, 100, 10);
  const auto status_differs = buy(alice, 2, 100, 10);
  const auto cum_differs = buy(bob, 1, 100, 10);
  const auto broker_only = buy(bob, 2, 100, 10);
  const auto exchange_only = buy(alice, 3, 100, 10);

  for (auto* s : {&broker, &exchange}) {
    s->upsert(report(same, 1, 1, exec_type::trade, order_status::filled, 10));
    s->upsert(report(status_differs, 2, 2, exec_type::new_order, order_status::new_order, 0));
    s->upsert(report(cum_differs, 3, 3, exec_type::trade, order_status::partially_filled, 4));
  }
  exchange.upsert(report(status_differs, 4, 2, exec_type::cancelled, order_status::cancelled, 0));
  exchange.upsert(report(cum_differs, 5, 3, exec_type::trade, order_status::partially_filled, 6));
  broker.upsert(broker_only, timestamp{});
  exchange.upsert(report(exchange_only, 6, 4, exec_type::new_order, order_status::new_order, 0));

  const auto diffs = diff_orders(broker, exchange);
  REQUIRE(diffs.size() == 4);
  using kind = order_difference::kind;
  CHECK(diffs[0] == order_difference{{alice, client_order_id{2}},
                                     kind::mismatch,
                                     order_status::new_order,
                                     order_status::cancelled,
                                     quantity{0},
                                     quantity{0}});
  CHECK(diffs[1] == order_difference{{alice, client_order_id{3}},
                                     kind::missing_left,
                                     std::nullopt,
                                     order_status::new_order,
                                     std::nullopt,
                                     quantity{0}});
  CHECK(diffs[2] == order_difference{{bob, client_order_id{1}},
                                     kind::mismatch,
                                     order_status::partially_filled,
                                     order_status::partially_filled,
                                     quantity{4},
                                     quantity{6}});
  CHECK(diffs[3] == order_difference{{bob, client_order_id{2}},
                                     kind::missing_right,
                                     order_status::pending_new,
                                     std::nullopt,
                                     quantity{0},
                                     std::nullopt});
  CHECK(fmt::format("{}", diffs[2]) == "diff{inst=2 id=1 mismatch left=partially_filled/4 right=partially_filled/6}");

  CHECK(diff_orders(broker, broker).empty());
  CHECK(diff_orders(orders_storage{}, orders_storage{}).empty());
}

TEST_CASE("orders: the reject of a late cancel leaves a filled order filled", "[orders]") {
  orders_storage store;
  const auto req = buy(alice, 3, 100, 10);
  store.upsert(report(req, 1, 9, exec_type::new_order, order_status::new_order, 0));
  store.upsert(report(req, 2, 9, exec_type::trade, order_status::filled, 10));
  // The cancel crossed the fill: the exchange no longer knows the order and says so.
  auto late = report(req, 3, 0, exec_type::rejected, order_status::rejected, 0);
  late.reason = reject_reason::unknown_order;
  CHECK(store.upsert(late) == upsert_result::ignored_reject);
  const auto* r = store.find(alice, client_order_id{3});
  REQUIRE(r != nullptr);
  CHECK(r->status == order_status::filled);
  CHECK(r->cum_qty == quantity{10});
  CHECK(store.stats().ignored_reject == 1);
}
