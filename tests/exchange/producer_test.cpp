#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "exchange_support.hpp"
#include "minibroker/exchange/market_data_producer.hpp"

using namespace minibroker;
using namespace minibroker::testing;
using namespace std::chrono_literals;

namespace {

// A producer alone on a virtual clock, with a listener that records what it hears.
struct producer_rig {
  explicit producer_rig(market_data_producer_config config)
      : producer(config, sched, boost::asio::make_strand(io), instruments, quotes) {
    producer.add_listener(heard);
  }
  void run_for(duration d) { sched.run(clock.now() + d); }

  boost::asio::io_context io;
  virtual_clock clock{timestamp{std::chrono::seconds{1'700'000'000}}};
  virtual_scheduler sched{io, clock};
  instruments_cache instruments;
  quotes_cache quotes;
  feed_recorder heard;
  market_data_producer producer;
};

market_data_producer_config config(std::uint64_t seed, std::size_t n, double rate = 10, double halts = 0) {
  return market_data_producer_config{seed, n, rate, halts, logger::silent()};
}

bool on_known_tick(decimal tick) {
  return tick == decimal{1, 2} || tick == decimal{5, 2} || tick == decimal{25, 2} || tick == decimal{5, 1} ||
         tick == decimal{1, 0};
}

} // namespace

TEST_CASE("producer: creates N instruments with ids 1 to N, unique readable symbols and sane terms",
          "[exchange][producer]") {
  producer_rig rig(config(42, 200));
  REQUIRE(rig.instruments.size() == 200);
  std::set<std::string> symbols;
  for (std::uint32_t id = 1; id <= 200; ++id) {
    const auto* entry = rig.instruments.find(instrument_id{id});
    REQUIRE(entry != nullptr);
    const instrument& i = entry->value;
    CHECK(i.id == instrument_id{id});
    CHECK((i.symbol.size() == 3 || i.symbol.size() == 4));
    CHECK(std::all_of(i.symbol.begin(), i.symbol.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
    CHECK(symbols.insert(i.symbol).second);
    CHECK_FALSE(i.name.empty());
    CHECK(i.currency.size() == 3);
    CHECK(on_known_tick(i.tick_size));
    CHECK((i.lot_size == quantity{1} || i.lot_size == quantity{10} || i.lot_size == quantity{100}));
    CHECK(i.reference_price >= price{100}); // at least 100 ticks
    CHECK(i.status == instrument_status::trading);
    // Every instrument opens with a quote around its reference price.
    const auto* q = rig.quotes.find(i.id);
    REQUIRE(q != nullptr);
    CHECK(q->value.bid == i.reference_price);
  }
  CHECK(rig.producer.quotes_produced() == 200);
}

TEST_CASE("producer: quotes are whole ticks and lots, bid below ask, last between them", "[exchange][producer]") {
  producer_rig rig(config(3, 5, 50));
  rig.producer.start();
  rig.run_for(2s);
  REQUIRE(rig.heard.quotes.size() > 400);
  for (const quote& q : rig.heard.quotes) {
    const instrument& i = rig.instruments.find(q.instrument)->value;
    CHECK(q.bid >= price{1});
    CHECK(q.bid < q.ask);
    CHECK(q.ask - q.bid <= price{3});
    CHECK(q.last >= q.bid);
    CHECK(q.last <= q.ask);
    CHECK(q.bid_size > quantity{0});
    CHECK(q.ask_size > quantity{0});
    CHECK(q.bid_size.value() % i.lot_size.value() == 0);
    CHECK(q.ask_size.value() % i.lot_size.value() == 0);
  }
  // The cache holds the latest quote of each instrument, with its own sequence.
  for (std::uint32_t id = 1; id <= 5; ++id) {
    const auto* entry = rig.quotes.find(instrument_id{id});
    REQUIRE(entry != nullptr);
    CHECK(entry->value.sequence == entry->version);
  }
}

TEST_CASE("producer: quotes come at the configured rate per instrument, in virtual time", "[exchange][producer]") {
  producer_rig rig(config(3, 4, 10));
  rig.producer.start();
  rig.run_for(10s);
  // 4 instruments x 10 quotes a second x 10 seconds, give or take the staggered first tick.
  CHECK(rig.heard.quotes.size() >= 396);
  CHECK(rig.heard.quotes.size() <= 400);
  CHECK(rig.producer.quotes_produced() == rig.heard.quotes.size() + 4); // plus the opening quotes
  // Quote times follow the clock: non-decreasing, within the run.
  CHECK(std::is_sorted(rig.heard.quotes.begin(), rig.heard.quotes.end(),
                       [](const quote& a, const quote& b) { return a.time < b.time; }));
}

TEST_CASE("producer: stop makes the pending ticks no-ops, start again resumes", "[exchange][producer]") {
  producer_rig rig(config(3, 2, 10));
  rig.producer.start();
  rig.run_for(1s);
  const auto before = rig.heard.quotes.size();
  rig.producer.stop();
  CHECK_FALSE(rig.producer.running());
  rig.run_for(5s);
  CHECK(rig.heard.quotes.size() == before);
  CHECK(rig.sched.pending() == 0); // the stopped streams did not reschedule
  rig.producer.start();
  rig.run_for(1s);
  CHECK(rig.heard.quotes.size() >= before + 18);
  CHECK(rig.heard.quotes.size() <= before + 20);
}

TEST_CASE("producer: the same seed gives the same instruments and quotes, another seed others",
          "[exchange][producer]") {
  const auto record = [](std::uint64_t seed) {
    producer_rig rig(config(seed, 6, 20, 0.01));
    rig.producer.start();
    rig.run_for(5s);
    std::vector<std::string> out;
    for (const auto& [id, entry] : rig.instruments.snapshot()) {
      out.push_back(fmt::format("{}", entry.value));
    }
    for (const quote& q : rig.heard.quotes) {
      out.push_back(fmt::format("{}", q));
    }
    out.insert(out.end(), rig.heard.events.begin(), rig.heard.events.end());
    return out;
  };
  const auto first = record(11);
  CHECK(first == record(11));
  CHECK(first != record(12));
}

TEST_CASE("producer: instruments halt now and then, and trade again a few quotes later", "[exchange][producer]") {
  producer_rig rig(config(5, 3, 20, 0.02));
  rig.producer.start();
  rig.run_for(60s);
  REQUIRE(rig.heard.instruments.size() >= 4);
  CHECK(rig.producer.instrument_updates() == rig.heard.instruments.size());
  // Per instrument, updates alternate halted, trading, halted, ...; no quote while halted.
  std::vector<instrument_status> state(4, instrument_status::trading);
  for (const std::string& e : rig.heard.events) {
    unsigned id = 0;
    char kind = 0;
    char word[16] = {};
    REQUIRE(std::sscanf(e.c_str(), "%c %u %15s", &kind, &id, word) == 3);
    if (kind == 'i') {
      const auto next = std::string{word} == "halted" ? instrument_status::halted : instrument_status::trading;
      CHECK(next != state[id]);
      state[id] = next;
    } else {
      CHECK(state[id] == instrument_status::trading);
    }
  }
  // The cache agrees with the last update.
  for (std::uint32_t id = 1; id <= 3; ++id) {
    CHECK(rig.instruments.find(instrument_id{id})->value.status == state[id]);
  }
}

TEST_CASE("producer: lists the given instruments instead of random ones, in their order", "[exchange][producer]") {
  auto c = config(3, 10);
  instrument acme;
  acme.symbol = "ACME";
  acme.tick_size = decimal{5, 2};
  acme.lot_size = quantity{100};
  instrument beta;
  beta.symbol = "BETA";
  beta.id = instrument_id{42}; // ids are the list's positions, whatever they say
  c.listed = {acme, beta};
  producer_rig rig(c);
  const auto& defs = rig.producer.definitions();
  REQUIRE(defs.size() == 2);
  CHECK(defs[0].id == instrument_id{1});
  CHECK(defs[0].symbol == "ACME");
  CHECK(defs[0].tick_size == decimal{5, 2});
  CHECK(defs[0].lot_size == quantity{100});
  CHECK(defs[0].reference_price == price{2000}); // 100.00 in ticks of 0.05
  CHECK(defs[1].id == instrument_id{2});
  CHECK(defs[1].symbol == "BETA");
  CHECK(defs[1].reference_price == price{10000}); // 100.00 in ticks of 0.01
  CHECK(defs[1].status == instrument_status::trading);
  CHECK(rig.instruments.size() == 2);
  CHECK(rig.quotes.size() == 2);
}
