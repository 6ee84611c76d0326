// Steady-state publish and delivery allocate nothing: this test program counts every operator new.

#include <catch2/catch.hpp>

#include "counting_new.hpp"

#include <new>

#include <boost/asio/io_context.hpp>

#include "minibroker/bus/in_memory_bus.hpp"
#include "minibroker/core/records.hpp"

using minibroker::test::allocations;
using minibroker::test::fail_next_allocation;

using namespace minibroker;

TEST_CASE("bus: publish and delivery allocate nothing in steady state", "[bus][allocation]") {
  boost::asio::io_context io;
  virtual_clock clock;
  bus::in_memory_bus_config config{logger::silent(), 64, 64};
  config.single_threaded = GENERATE(false, true);
  INFO("single_threaded " << config.single_threaded);
  bus::in_memory_bus b{clock, config};
  auto topic = *b.declare_topic("MARKET_DATA_TOPIC");
  auto quotes = *b.declare_queue<quote>("QUOTES_QUEUE", {.capacity = 4096});
  auto all = *b.declare_queue<quote>("ALL_QUEUE", {.capacity = 64, .overflow = bus::overflow_policy::drop_head});
  REQUIRE(b.bind(quotes, topic, "quote.*"));
  REQUIRE(b.bind(all, topic, "#"));
  long handled = 0;
  REQUIRE(b.subscribe(quotes, io.get_executor(), [&](bus::message<quote>& m) { handled += m.payload.bid.value(); }));
  REQUIRE(b.subscribe(all, io.get_executor(), [&](bus::message<quote>&) { ++handled; }));

  auto round = [&] {
    quote q{};
    q.bid = price{1};
    for (int i = 0; i < 1000; ++i) {
      // A key longer than std::string's small buffer too: the header shares the route cache's text.
      (void)b.publish(topic, i % 2 == 0 ? "quote.updated" : "instrument.status.updated", q);
    }
    io.restart();
    io.run();
  };
  for (int i = 0; i < 3; ++i) {
    round(); // warm up: slots, queue blocks, the route cache, asio's handler memory
  }
  const long before = allocations();
  for (int i = 0; i < 3; ++i) {
    round();
  }
  CHECK(allocations() - before == 0);
  CHECK(handled > 0);
}

TEST_CASE("bus: a single-threaded queue whose growth runs out of memory refuses the publish and leaks nothing",
          "[bus][allocation]") {
  virtual_clock clock;
  bus::in_memory_bus_config config{logger::silent(), 64, 64};
  config.single_threaded = true;
  bus::in_memory_bus b{clock, config};
  auto topic = *b.declare_topic("T");
  auto q = *b.declare_queue<int>("Q", {.capacity = 4096}); // no consumer: slots come as it fills
  REQUIRE(b.bind(q, topic, "#"));
  for (int i = 0; i < 1024; ++i) {
    REQUIRE(b.publish(topic, "k", i)); // the first chunk of slots, full
  }
  fail_next_allocation(); // the next chunk's bookkeeping (under AddressSanitizer, a leak shows)
  CHECK_THROWS_AS(b.publish(topic, "k", 1024), std::bad_alloc);
  CHECK(b.publish(topic, "k", 1025));
  const auto stats = b.stats();
  REQUIRE(stats.queue("Q") != nullptr);
  CHECK(stats.queue("Q")->published == 1025);
  CHECK(stats.queue("Q")->depth == 1025);
}
