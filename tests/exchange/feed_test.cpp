#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <boost/asio/strand.hpp>

#include "exchange_support.hpp"

using namespace minibroker;
using namespace minibroker::testing;
using namespace std::chrono_literals;

namespace {

exchange_config flowing(std::size_t instruments, double halts = 0) {
  auto c = quiet_config(21);
  c.instruments = instruments;
  c.quotes_per_second = 10;
  c.status_change_probability = halts;
  return c;
}

} // namespace

TEST_CASE("feed: a subscriber gets the snapshot first, then every update in order", "[exchange][feed]") {
  scenario s(flowing(3));
  s.run_for(1s); // quotes before the subscription are in the snapshot, not replayed
  feed_recorder r;
  s.ex.feed().subscribe(r, s.io.get_executor());
  s.run_for(2s);
  s.ex.stop();
  s.run();

  REQUIRE(r.instruments.size() >= 3);
  REQUIRE(r.quotes.size() > 3 + 50);
  // The snapshot: instruments 1..3, then the latest quote of each, by id.
  for (std::uint32_t i = 0; i < 3; ++i) {
    CHECK(r.events[i] == fmt::format("i {} trading", i + 1));
    CHECK(r.instruments[i].symbol == s.definition(instrument_id{i + 1}).symbol);
    CHECK(r.events[3 + i].starts_with(fmt::format("q {} ", i + 1)));
  }
  CHECK(r.quotes[0].sequence > 1); // the first second's quotes came before
  // Then updates: per instrument, sequence numbers follow on from the snapshot without a gap.
  std::vector<sequence_number> last(4, 0);
  for (const quote& q : r.quotes) {
    const auto i = q.instrument.value();
    if (last[i] != 0) {
      CHECK(q.sequence == last[i] + 1);
    }
    last[i] = q.sequence;
  }
  // The last thing heard is what the cache holds.
  for (std::uint32_t i = 1; i <= 3; ++i) {
    CHECK(s.ex.quotes().find(instrument_id{i})->value.sequence == last[i]);
  }
}

TEST_CASE("feed: unsubscribe stops the stream at once, other subscribers go on", "[exchange][feed]") {
  scenario s(flowing(2));
  feed_recorder gone, stays;
  auto strand = boost::asio::make_strand(s.io);
  s.ex.feed().subscribe(gone, strand);
  s.ex.feed().subscribe(stays, s.io.get_executor());
  s.run_for(1s);
  const auto heard = gone.quotes.size();
  CHECK(heard > 2);
  s.ex.feed().unsubscribe(gone);
  s.run_for(1s);
  s.ex.stop();
  s.run();
  CHECK(gone.quotes.size() == heard);
  CHECK(stays.quotes.size() > heard + 10);
}

TEST_CASE("feed: status changes reach subscribers as instrument updates", "[exchange][feed]") {
  scenario s(flowing(2, 0.05));
  feed_recorder r;
  s.ex.feed().subscribe(r, s.io.get_executor());
  s.run_for(20s);
  s.ex.stop();
  s.run();
  REQUIRE(r.instruments.size() > 2);
  CHECK(r.instruments.size() - 2 == s.ex.stats().instrument_updates);
  bool halted = false;
  for (const auto& i : r.instruments) {
    halted = halted || i.status == instrument_status::halted;
  }
  CHECK(halted);
}
