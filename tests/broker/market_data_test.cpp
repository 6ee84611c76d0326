#include <catch2/catch.hpp>

#include "scenario.hpp"

using namespace minibroker;
using namespace minibroker::test;
namespace names = minibroker::broker_names;

TEST_CASE("broker: market data reaches the caches and timetables through the named queues", "[broker][market_data]") {
  broker_scenario s;
  s.feed.push(listing(acme));
  s.feed.push(quote_of(acme, 9'990, 10'010, t0, 1));
  s.b.start();
  s.settle();
  s.feed.push(quote_of(acme, 9'995, 10'005, t0 + std::chrono::milliseconds{5}, 2));
  s.feed.push(listing(bolt, quantity{10}));
  s.settle();

  CHECK(s.b.instruments().size() == 2);
  REQUIRE(s.b.instruments().find(bolt) != nullptr);
  CHECK(s.b.instruments().find(bolt)->value.lot_size == quantity{10});
  REQUIRE(s.b.quotes().find(acme) != nullptr);
  CHECK(s.b.quotes().find(acme)->value.bid == price{9'995});
  CHECK(s.b.quotes().find(acme)->version == 2);

  CHECK(s.b.instruments_timetable().size() == 2);
  CHECK(s.b.instruments_timetable().size(acme) == 1);
  REQUIRE(s.b.quotes_timetable().size(acme) == 2);
  CHECK(s.b.quotes_timetable().latest(acme)->row.sequence == 2);
  CHECK(s.b.quotes_timetable().latest(acme)->time == t0 + std::chrono::milliseconds{5});

  const broker_stats stats = s.b.stats();
  CHECK(stats.market_data.instruments_received == 2);
  CHECK(stats.market_data.quotes_received == 2);
  CHECK(stats.market_data.instruments.enqueued == 2);
  CHECK(stats.market_data.quotes.enqueued == 2);
  CHECK(stats.market_data_stored.instruments_stored == 2);
  CHECK(stats.market_data_stored.quotes_stored == 2);
  const auto* instruments_queue = stats.bus.queue(names::instruments_queue);
  const auto* quotes_queue = stats.bus.queue(names::quotes_queue);
  REQUIRE(instruments_queue != nullptr);
  REQUIRE(quotes_queue != nullptr);
  CHECK(instruments_queue->delivered == 2);
  CHECK(quotes_queue->delivered == 2);
  REQUIRE(stats.bus.topic(names::market_data_topic) != nullptr);
  CHECK(stats.bus.topic(names::market_data_topic)->published == 4);
}

TEST_CASE("broker: an instrument update is timed by the clock when consumed", "[broker][market_data]") {
  broker_scenario s;
  s.b.start();
  s.clock.advance_by(std::chrono::seconds{3});
  s.feed.push(listing(acme));
  s.settle();
  REQUIRE(s.b.instruments_timetable().latest(acme) != nullptr);
  CHECK(s.b.instruments_timetable().latest(acme)->time == t0 + std::chrono::seconds{3});
}

TEST_CASE("broker: a halt on the feed replaces the instrument in the cache", "[broker][market_data]") {
  broker_scenario s;
  s.open({listing(acme)});
  s.feed.push(listing(acme, quantity{1}, instrument_status::halted));
  s.settle();
  CHECK(s.b.instruments().find(acme)->value.status == instrument_status::halted);
  CHECK(s.b.instruments_timetable().size(acme) == 2);
}

TEST_CASE("broker: quotes refused by a full queue are counted and never lost silently", "[broker][market_data]") {
  broker_config config = config_for(institution_id{7});
  config.market_data_queues.capacity = 2;
  broker_scenario s(institution_id{7}, config);
  s.b.start();
  s.settle();
  // Four quotes reach the connector before the consumer gets a turn.
  for (sequence_number i = 1; i <= 4; ++i) {
    s.feed.deliver_now(quote_of(acme, 100, 101, t0, i));
  }
  s.settle();

  const broker_stats stats = s.b.stats();
  CHECK(stats.market_data.quotes_received == 4);
  CHECK(stats.market_data.quotes.enqueued == 2);
  CHECK(stats.market_data.quotes.refused == 2);
  CHECK(stats.market_data_stored.quotes_stored == 2);
  CHECK(stats.bus.queue(names::quotes_queue)->rejected == 2);
  CHECK(s.b.quotes().find(acme)->value.sequence == 2);
}

TEST_CASE("broker: stop unsubscribes from the feed", "[broker][market_data]") {
  broker_scenario s;
  s.open({listing(acme)});
  CHECK(s.feed.subscribers() == 1);
  CHECK(s.b.running());
  s.b.stop();
  CHECK(s.feed.subscribers() == 0);
  CHECK_FALSE(s.b.running());
  s.feed.push(listing(bolt));
  s.settle();
  CHECK(s.b.instruments().size() == 1);
}
