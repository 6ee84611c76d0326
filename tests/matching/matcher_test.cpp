// The matcher around the books: self-trade prevention, sequence numbers and time, delivery
// (after the book is consistent, re-entrant submits), snapshots, lookups, independence.

#include <algorithm>

#include <catch2/catch.hpp>

#include "matching_support.hpp"

using namespace minibroker;
using namespace minibroker::testing;
using lines = std::vector<std::string>;

TEST_CASE("stp: off by default, same institution trades with itself", "[matcher][stp]") {
  scenario s;
  s.sell(A, 1, 5, 100);
  s.take();
  s.buy(A, 2, 5, 100);
  CHECK(s.take()[1] == "trade t1 5@100 buy=#2/A/2 sell=#1/A/1 aggressor=buy");
}

TEST_CASE("stp: cancel resting cancels the resting self order and matching goes on", "[matcher][stp]") {
  scenario s{matcher_config{.stp = self_trade_prevention::cancel_resting}};
  s.sell(A, 1, 5, 100);
  s.sell(B, 1, 5, 100);
  s.take();
  s.buy(A, 2, 8, 100);
  CHECK(s.take() == lines{
                        "exec new new #3 A/2 buy 8@100 cum=0 open=8",
                        "exec cancelled cancelled #1 A/1 sell 5@100 cum=0 open=0 reason=self_trade",
                        "trade t1 5@100 buy=#3/A/2 sell=#2/B/1 aggressor=buy",
                        "exec trade partially_filled #3 A/2 buy 8@100 cum=5 open=3 last=5@100 t1",
                        "exec trade filled #2 B/1 sell 5@100 cum=5 open=0 last=5@100 t1",
                        "depth buy 3@100 n=1",
                        "depth sell 0@100 n=0",
                        "top 3@100 | -",
                    });
}

TEST_CASE("stp: cancel incoming cancels the incoming remainder, which never rests", "[matcher][stp]") {
  scenario s{matcher_config{.stp = self_trade_prevention::cancel_incoming}};
  s.sell(B, 1, 5, 100);
  s.sell(A, 1, 5, 100);
  s.take();
  s.buy(A, 2, 8, 100);
  CHECK(s.take() == lines{
                        "exec new new #3 A/2 buy 8@100 cum=0 open=8",
                        "trade t1 5@100 buy=#3/A/2 sell=#1/B/1 aggressor=buy",
                        "exec trade partially_filled #3 A/2 buy 8@100 cum=5 open=3 last=5@100 t1",
                        "exec trade filled #1 B/1 sell 5@100 cum=5 open=0 last=5@100 t1",
                        "exec cancelled cancelled #3 A/2 buy 8@100 cum=5 open=0 reason=self_trade",
                        "depth sell 5@100 n=1",
                        "top - | 5@100",
                    });
}

TEST_CASE("stp: a FOK counts only liquidity it may trade with", "[matcher][stp][fok]") {
  SECTION("cancel incoming: only what comes before the first self order") {
    scenario s{matcher_config{.stp = self_trade_prevention::cancel_incoming}};
    s.sell(B, 1, 5, 100);
    s.sell(A, 1, 5, 100);
    s.sell(B, 2, 5, 100);
    s.take();
    s.buy(A, 2, 6, 100, time_in_force::fok);
    CHECK(s.take() == lines{
                          "exec new new #4 A/2 buy 6@100 cum=0 open=6",
                          "exec expired expired #4 A/2 buy 6@100 cum=0 open=0",
                      });
  }
  SECTION("cancel resting: the others' orders, the self orders on the way are cancelled") {
    scenario s{matcher_config{.stp = self_trade_prevention::cancel_resting}};
    s.sell(B, 1, 5, 100);
    s.sell(A, 1, 5, 100);
    s.sell(B, 2, 5, 100);
    s.take();
    s.buy(A, 2, 11, 100, time_in_force::fok);
    CHECK(s.take() == lines{
                          "exec new new #4 A/2 buy 11@100 cum=0 open=11",
                          "exec expired expired #4 A/2 buy 11@100 cum=0 open=0",
                      });
    s.buy(A, 3, 10, 100, time_in_force::fok);
    CHECK(s.take() == lines{
                          "exec new new #5 A/3 buy 10@100 cum=0 open=10",
                          "trade t1 5@100 buy=#5/A/3 sell=#1/B/1 aggressor=buy",
                          "exec trade partially_filled #5 A/3 buy 10@100 cum=5 open=5 last=5@100 t1",
                          "exec trade filled #1 B/1 sell 5@100 cum=5 open=0 last=5@100 t1",
                          "exec cancelled cancelled #2 A/1 sell 5@100 cum=0 open=0 reason=self_trade",
                          "trade t2 5@100 buy=#5/A/3 sell=#3/B/2 aggressor=buy",
                          "exec trade filled #5 A/3 buy 10@100 cum=10 open=0 last=5@100 t2",
                          "exec trade filled #3 B/2 sell 5@100 cum=5 open=0 last=5@100 t2",
                          "depth sell 0@100 n=0",
                          "top - | -",
                      });
  }
}

TEST_CASE("matcher: one strictly increasing sequence per instrument, time from the injected clock",
          "[matcher][sequence]") {
  scenario s;
  s.clock.advance_to(timestamp{duration{5'000}});
  s.buy(A, 1, 10, 100);
  s.order(A, 2, side::sell, 10, 100, time_in_force::gtc, 2);
  s.clock.advance_to(timestamp{duration{7'000}});
  s.sell(B, 1, 4, 100);
  std::vector<sequence_number> one;
  std::vector<sequence_number> two;
  for (const auto& e : s.recorder.events) {
    (instrument_of(e) == instrument_id{1} ? one : two).push_back(sequence_of(e));
  }
  CHECK(one == std::vector<sequence_number>{1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(two == std::vector<sequence_number>{1, 2, 3});
  const auto& last = std::get<top_of_book>(s.recorder.events.back());
  CHECK(last.time == timestamp{duration{7'000}});
  CHECK(std::get<execution_report>(s.recorder.events.front()).time == timestamp{duration{5'000}});
  CHECK(s.matcher.l1(instrument_id{1})->sequence == 9);
  CHECK(s.matcher.book(instrument_id{1})->last_sequence() == 9);
  // A reject for an unknown instrument has no instrument to count it: sequence 0.
  s.recorder.events.clear();
  s.cancel(A, 1, 42);
  CHECK(sequence_of(s.recorder.events.at(0)) == 0);
}

namespace {
// Reacts to its own order's acknowledgement by cancelling another order and sending a new one.
class reacting_listener : public recording_listener {
public:
  explicit reacting_listener(order_matcher& m) : matcher_(m) {}
  void on_execution_report(const execution_report& r) override {
    recording_listener::on_execution_report(r);
    if (r.type == exec_type::new_order && r.institution == A && r.client_id == client_order_id{1}) {
      matcher_.submit(cancel_request{B, client_order_id{1}, instrument_id{1}});
      matcher_.submit(new_order_request{C, client_order_id{1}, instrument_id{1}, side::sell, order_type::limit,
                                        time_in_force::gtc, price{100}, quantity{3}});
      // The book is consistent while we are called.
      CHECK(matcher_.book(instrument_id{1})->order_count() == 2);
    }
  }
  void on_trade(const trade& t) override {
    recording_listener::on_trade(t);
    matcher_.submit(cancel_request{A, client_order_id{1}, instrument_id{1}});
  }

private:
  order_matcher& matcher_;
};
} // namespace

TEST_CASE("matcher: a listener may submit from a callback, the requests run after the current dispatch, in order",
          "[matcher][reentrant]") {
  scenario s;
  reacting_listener reacting{s.matcher};
  s.matcher.set_order_listener(&reacting);
  s.matcher.set_market_data_listener(&reacting);
  s.buy(B, 1, 5, 99);
  reacting.take();
  s.buy(A, 1, 5, 100);
  CHECK(reacting.take() == lines{
                               // the request itself, complete
                               "exec new new #2 A/1 buy 5@100 cum=0 open=5",
                               "depth buy 5@100 n=1",
                               "top 5@100 | -",
                               // then the cancel the listener sent
                               "exec cancelled cancelled #1 B/1 buy 5@99 cum=0 open=0",
                               "depth buy 0@99 n=0",
                               // then its new order, whose trade makes the listener cancel A/1
                               "exec new new #3 C/1 sell 3@100 cum=0 open=3",
                               "trade t1 3@100 buy=#2/A/1 sell=#3/C/1 aggressor=sell",
                               "exec trade filled #3 C/1 sell 3@100 cum=3 open=0 last=3@100 t1",
                               "exec trade partially_filled #2 A/1 buy 5@100 cum=3 open=2 last=3@100 t1",
                               "depth buy 2@100 n=1",
                               "top 2@100 | -",
                               "exec cancelled cancelled #2 A/1 buy 5@100 cum=3 open=0",
                               "depth buy 0@100 n=0",
                               "top - | -",
                           });
  s.matcher.book(instrument_id{1})->check_invariants();
}

TEST_CASE("matcher: without listeners nothing is delivered and the book is still right", "[matcher]") {
  virtual_clock clock;
  order_matcher m{clock};
  m.add_instrument(make_instrument(1));
  m.submit(new_order_request{A, client_order_id{1}, instrument_id{1}, side::buy, order_type::limit, time_in_force::gtc,
                             price{100}, quantity{10}});
  m.submit(new_order_request{B, client_order_id{1}, instrument_id{1}, side::sell, order_type::limit, time_in_force::gtc,
                             price{100}, quantity{4}});
  const auto top = m.l1(instrument_id{1});
  REQUIRE(top);
  CHECK(top->bid == price{100});
  CHECK(top->bid_qty == quantity{6});
  CHECK_FALSE(top->has_ask());
  CHECK(m.resting_orders() == 1);
}

TEST_CASE("matcher: L1 and L2 snapshots on demand", "[matcher][snapshot]") {
  scenario s;
  s.buy(A, 1, 10, 100);
  s.buy(A, 2, 5, 100);
  s.buy(A, 3, 7, 98);
  s.buy(A, 4, 1, 97);
  s.sell(B, 1, 3, 101);
  s.sell(B, 2, 4, 103);
  const auto l2 = s.matcher.l2(instrument_id{1}, 2);
  REQUIRE(l2);
  CHECK(l2->sequence == s.matcher.book(instrument_id{1})->last_sequence());
  CHECK(l2->bids == std::vector<depth_level>{{price{100}, quantity{15}, 2}, {price{98}, quantity{7}, 1}});
  CHECK(l2->asks == std::vector<depth_level>{{price{101}, quantity{3}, 1}, {price{103}, quantity{4}, 1}});
  CHECK(fmt::format("{}", *l2) ==
        fmt::format("l2{{seq={} instrument=1 bids=[15x100(2) 7x98(1)] asks=[3x101(1) 4x103(1)]}}", l2->sequence));
  const auto l1 = s.matcher.l1(instrument_id{1});
  REQUIRE(l1);
  CHECK(l1->bid == price{100});
  CHECK(l1->ask_qty == quantity{3});
  CHECK_FALSE(s.matcher.l1(instrument_id{9}));
  CHECK_FALSE(s.matcher.l2(instrument_id{9}, 5));
  CHECK(s.matcher.l2(instrument_id{2}, 5)->bids.empty());
}

TEST_CASE("matcher: resting orders are found by order id and by client order id", "[matcher][lookup]") {
  scenario s;
  s.buy(A, 7, 10, 100);
  s.sell(B, 3, 4, 100);
  const auto by_id = s.matcher.find(order_id{1});
  REQUIRE(by_id);
  CHECK(by_id->client_id == client_order_id{7});
  CHECK(by_id->open == quantity{6});
  CHECK(by_id->cum == quantity{4});
  const auto by_client = s.matcher.find(A, client_order_id{7});
  REQUIRE(by_client);
  CHECK(by_client->id == order_id{1});
  CHECK_FALSE(s.matcher.find(order_id{2})); // filled
  CHECK_FALSE(s.matcher.find(B, client_order_id{3}));
}

TEST_CASE("matcher: two matchers in one process are independent", "[matcher]") {
  scenario one;
  scenario two;
  one.buy(A, 1, 5, 100);
  one.sell(B, 1, 5, 100);
  two.buy(A, 1, 5, 100);
  two.sell(B, 1, 5, 100);
  CHECK(one.take() == two.take());
}

TEST_CASE("matcher: instruments are configured once, with a positive lot", "[matcher]") {
  virtual_clock clock;
  order_matcher m{clock};
  m.add_instrument(make_instrument(1));
  CHECK_THROWS_AS(m.add_instrument(make_instrument(1)), std::invalid_argument);
  CHECK_THROWS_AS(m.add_instrument(make_instrument(2, 0)), std::invalid_argument);
}

TEST_CASE("matcher: events have readable formatters", "[matcher][format]") {
  top_of_book t{3, timestamp{duration{10}}, instrument_id{1}, price{100}, quantity{5}, price{0}, quantity{0}};
  CHECK(fmt::format("{}", t) == "top{seq=3 instrument=1 bid=5x100 ask=0x0 t=10}");
  depth_update d{4, timestamp{duration{10}}, instrument_id{1}, side::sell, price{101}, quantity{7}, 2};
  CHECK(fmt::format("{}", d) == "depth{seq=4 instrument=1 sell 7x101 orders=2 t=10}");
  CHECK(fmt::format("{}", self_trade_prevention::cancel_incoming) == "cancel_incoming");
}

TEST_CASE("matcher: storage grows past its hints without losing or moving orders", "[matcher][capacity]") {
  matcher_config config;
  config.expected_resting_orders = 1;
  config.expected_levels = 1;
  config.expected_orders = 1;
  virtual_clock clock;
  order_matcher m{clock, config};
  m.add_instrument(make_instrument(1));
  const auto send = [&](institution_id who, std::uint64_t id, side s, std::int64_t px, std::int64_t qty) {
    m.submit(new_order_request{who, client_order_id{id}, instrument_id{1}, s, order_type::limit, time_in_force::gtc,
                               price{px}, quantity{qty}});
  };
  // 10,000 bids on 2,500 levels, inserted out of price order (far from the touch too).
  for (std::uint64_t i = 0; i < 10'000; ++i) {
    send(A, i + 1, side::buy, 1000 + static_cast<std::int64_t>((i * 7919) % 2500), 1);
  }
  const order_book& b = *m.book(instrument_id{1});
  b.check_invariants();
  CHECK(b.order_count() == 10'000);
  CHECK(b.level_count(side::buy) == 2'500);
  for (std::uint64_t i = 0; i < 10'000; i += 2) {
    m.submit(cancel_request{A, client_order_id{i + 1}, instrument_id{1}});
  }
  b.check_invariants();
  CHECK(b.order_count() == 5'000);
  const auto found = m.find(A, client_order_id{2});
  REQUIRE(found);
  CHECK(found->px == price{1000 + 7919 % 2500});
  // Emptied levels behind the best are dropped in bulk once they outnumber the others.
  for (std::uint64_t i = 1; i < 10'000; i += 2) {
    if (m.find(A, client_order_id{i + 1})->px < price{3400}) {
      m.submit(cancel_request{A, client_order_id{i + 1}, instrument_id{1}});
      b.check_invariants();
    }
  }
  CHECK(b.level_count(side::buy) < 100);
  // One market order sweeps it all.
  m.submit(new_order_request{B, client_order_id{1}, instrument_id{1}, side::sell, order_type::market,
                             time_in_force::ioc, std::nullopt, quantity{6'000}});
  b.check_invariants();
  CHECK(b.order_count() == 0);
  CHECK(b.level_count(side::buy) == 0);
  CHECK(m.resting_orders() == 0);
  // Client order ids far beyond the reserved bitmap are still remembered.
  send(A, 50'000'000, side::buy, 10, 1);
  send(A, 50'000'000, side::buy, 10, 1);
  CHECK(m.resting_orders() == 1);
}

TEST_CASE("matcher: lookup by order id spans many id chunks and forgets finished orders", "[matcher][lookup]") {
  virtual_clock clock;
  matcher_config config;
  config.expected_orders = 1;
  order_matcher m{clock, config};
  m.add_instrument(make_instrument(1));
  // 200,000 orders that rest and are cancelled at once, with every 50,000th kept: chunks of
  // the index fill, empty and are recycled while a few stay pinned by their live orders.
  for (std::uint64_t i = 1; i <= 200'000; ++i) {
    m.submit(new_order_request{A, client_order_id{i}, instrument_id{1}, side::buy, order_type::limit,
                               time_in_force::gtc, price{100}, quantity{1}});
    if (i % 50'000 != 0) {
      m.submit(cancel_request{A, client_order_id{i}, instrument_id{1}});
    }
  }
  for (std::uint64_t i = 1; i <= 200'000; i += 997) {
    CHECK_FALSE(m.find(order_id{i}).has_value());
  }
  for (std::uint64_t i = 50'000; i <= 200'000; i += 50'000) {
    const auto found = m.find(order_id{i});
    REQUIRE(found);
    CHECK(found->client_id == client_order_id{i});
  }
  CHECK_FALSE(m.find(order_id{0}));
  CHECK_FALSE(m.find(order_id{1'000'000'000}));
  m.book(instrument_id{1})->check_invariants();
}

namespace {
// Wants trades only: the matcher produces no top of book or depth for it.
class trades_only_listener final : public recording_listener {
public:
  [[nodiscard]] market_data_interest interest() const override {
    return {.trades = true, .top_of_book = false, .depth = false};
  }
};

// Wants the book's changes but no trades.
class no_trades_listener final : public recording_listener {
public:
  [[nodiscard]] market_data_interest interest() const override {
    return {.trades = false, .top_of_book = true, .depth = true};
  }
};

std::vector<sequence_number> sequences_of(const std::vector<any_event>& events) {
  std::vector<sequence_number> out;
  for (const auto& e : events) {
    out.push_back(std::visit([](const auto& event) { return event.sequence; }, e));
  }
  return out;
}
} // namespace

TEST_CASE("matcher: market data the listener does not want is not delivered and takes no sequence numbers",
          "[matcher][interest]") {
  scenario s;
  trades_only_listener trades_only;
  s.matcher.set_order_listener(&trades_only);
  s.matcher.set_market_data_listener(&trades_only);
  s.sell(B, 1, 5, 100);
  s.buy(A, 1, 3, 100);
  s.cancel(B, 1);
  CHECK(trades_only.take() == lines{
                                  "exec new new #1 B/1 sell 5@100 cum=0 open=5",
                                  "exec new new #2 A/1 buy 3@100 cum=0 open=3",
                                  "trade t1 3@100 buy=#2/A/1 sell=#1/B/1 aggressor=buy",
                                  "exec trade filled #2 A/1 buy 3@100 cum=3 open=0 last=3@100 t1",
                                  "exec trade partially_filled #1 B/1 sell 5@100 cum=3 open=2 last=3@100 t1",
                                  "exec cancelled cancelled #1 B/1 sell 5@100 cum=3 open=0",
                              });
  CHECK(s.matcher.book(instrument_id{1})->last_sequence() == 6);

  SECTION("without a market data listener, only the execution reports, numbered without gaps") {
    s.matcher.set_market_data_listener(nullptr);
    s.sell(B, 2, 5, 100);
    s.buy(A, 2, 5, 100);
    CHECK(sequences_of(trades_only.events) == std::vector<sequence_number>{7, 8, 9, 10});
    CHECK(trades_only.take() == lines{
                                    "exec new new #3 B/2 sell 5@100 cum=0 open=5",
                                    "exec new new #4 A/2 buy 5@100 cum=0 open=5",
                                    "exec trade filled #4 A/2 buy 5@100 cum=5 open=0 last=5@100 t2",
                                    "exec trade filled #3 B/2 sell 5@100 cum=5 open=0 last=5@100 t2",
                                });
    CHECK(s.matcher.book(instrument_id{1})->last_sequence() == 10);
  }
  SECTION("a listener that wants no trades gets the book's changes, numbered without gaps") {
    no_trades_listener no_trades;
    s.matcher.set_order_listener(&no_trades);
    s.matcher.set_market_data_listener(&no_trades);
    s.sell(B, 2, 5, 100);
    s.buy(A, 2, 3, 100);
    const auto sequences = sequences_of(no_trades.events);
    REQUIRE_FALSE(sequences.empty());
    for (std::size_t i = 0; i < sequences.size(); ++i) {
      CHECK(sequences[i] == 7 + i);
    }
    const auto seen = no_trades.take();
    CHECK(std::none_of(seen.begin(), seen.end(), [](const std::string& l) { return l.starts_with("trade"); }));
    CHECK(std::count_if(seen.begin(), seen.end(), [](const std::string& l) { return l.starts_with("exec trade"); }) ==
          2);
    CHECK(s.matcher.book(instrument_id{1})->last_sequence() == sequences.back());
  }
  SECTION("a listener set later gets everything again, from the next change on") {
    s.matcher.set_market_data_listener(&s.recorder);
    s.matcher.set_order_listener(&s.recorder);
    s.recorder.take();
    s.buy(A, 3, 4, 99);
    CHECK(s.take() == lines{
                          "exec new new #3 A/3 buy 4@99 cum=0 open=4",
                          "depth buy 4@99 n=1",
                          "top 4@99 | -",
                      });
  }
  s.matcher.book(instrument_id{1})->check_invariants();
}
