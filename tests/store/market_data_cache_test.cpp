#include <catch2/catch.hpp>

#include <string>

#include "minibroker/store/market_data_cache.hpp"

using namespace minibroker;
using namespace std::chrono_literals;

namespace {

quote make_quote(std::uint32_t instrument, std::int64_t bid, std::int64_t ask) {
  quote q{};
  q.instrument = instrument_id{instrument};
  q.bid = price{bid};
  q.bid_size = quantity{10};
  q.ask = price{ask};
  q.ask_size = quantity{20};
  q.last = price{bid};
  return q;
}

} // namespace

TEST_CASE("cache: the first upsert of a key gives version 1, each update adds 1", "[cache]") {
  quotes_cache cache;
  CHECK(cache.upsert(instrument_id{1}, make_quote(1, 99, 101)) == 1);
  CHECK(cache.upsert(instrument_id{1}, make_quote(1, 100, 102)) == 2);
  CHECK(cache.upsert(instrument_id{2}, make_quote(2, 50, 51)) == 1);
  CHECK(cache.upsert(instrument_id{1}, make_quote(1, 101, 103)) == 3);

  CHECK(cache.version(instrument_id{1}) == 3);
  CHECK(cache.version(instrument_id{2}) == 1);
  CHECK(cache.version(instrument_id{3}) == 0);
  CHECK(cache.version() == 4); // upserts over all keys
  CHECK(cache.size() == 2);
}

TEST_CASE("cache: get returns the latest value with its version", "[cache]") {
  quotes_cache cache;
  CHECK_FALSE(cache.get(instrument_id{1}).has_value());
  CHECK(cache.find(instrument_id{1}) == nullptr);

  cache.upsert(instrument_id{1}, make_quote(1, 99, 101));
  cache.upsert(instrument_id{1}, make_quote(1, 100, 102));

  auto got = cache.get(instrument_id{1});
  REQUIRE(got.has_value());
  CHECK(got->value.bid == price{100});
  CHECK(got->value.ask == price{102});
  CHECK(got->version == 2);
  CHECK(cache.contains(instrument_id{1}));
  CHECK_FALSE(cache.contains(instrument_id{2}));

  const auto* found = cache.find(instrument_id{1});
  REQUIRE(found != nullptr);
  CHECK(found->value.bid == price{100});
}

TEST_CASE("cache: a reader asks whether a key changed since the version it saw", "[cache]") {
  instruments_cache cache;
  instrument acme{instrument_id{7}, "ACME", "Acme Corp", "USD"};
  cache.upsert(acme.id, acme);
  const cache_version seen = cache.version(acme.id);
  CHECK_FALSE(cache.changed_since(acme.id, seen));

  acme.status = instrument_status::halted;
  cache.upsert(acme.id, acme);
  CHECK(cache.changed_since(acme.id, seen));
  CHECK_FALSE(cache.changed_since(acme.id, cache.version(acme.id)));

  CHECK(cache.changed_since(acme.id, 0));                 // never seen: it changed
  CHECK_FALSE(cache.changed_since(instrument_id{99}, 0)); // an unknown key never changed
}

TEST_CASE("cache: changed_since(cache version) returns only the keys updated after it", "[cache]") {
  quotes_cache cache;
  cache.upsert(instrument_id{1}, make_quote(1, 1, 2));
  cache.upsert(instrument_id{2}, make_quote(2, 1, 2));
  const cache_version seen = cache.version();
  cache.upsert(instrument_id{3}, make_quote(3, 1, 2));
  cache.upsert(instrument_id{1}, make_quote(1, 5, 6));

  auto changed = cache.changed_since(seen);
  REQUIRE(changed.size() == 2);
  CHECK(changed[0].first == instrument_id{1});
  CHECK(changed[0].second.value.bid == price{5});
  CHECK(changed[0].second.version == 2);
  CHECK(changed[1].first == instrument_id{3});
  CHECK(cache.changed_since(cache.version()).empty());
}

TEST_CASE("cache: a snapshot holds every key once, ordered by key, with its latest value", "[cache]") {
  quotes_cache cache;
  cache.upsert(instrument_id{3}, make_quote(3, 30, 31));
  cache.upsert(instrument_id{1}, make_quote(1, 10, 11));
  cache.upsert(instrument_id{2}, make_quote(2, 20, 21));
  cache.upsert(instrument_id{1}, make_quote(1, 12, 13));

  auto snap = cache.snapshot();
  REQUIRE(snap.size() == 3);
  CHECK(snap[0].first == instrument_id{1});
  CHECK(snap[0].second.value.bid == price{12});
  CHECK(snap[0].second.version == 2);
  CHECK(snap[1].first == instrument_id{2});
  CHECK(snap[2].first == instrument_id{3});

  // The snapshot is a copy: later updates do not change it.
  cache.upsert(instrument_id{2}, make_quote(2, 99, 100));
  CHECK(snap[1].second.value.bid == price{20});

  std::size_t visited = 0;
  cache.for_each([&](instrument_id, const versioned<quote>&) { ++visited; });
  CHECK(visited == 3);

  cache.clear();
  CHECK(cache.empty());
  CHECK(cache.snapshot().empty());
}

TEST_CASE("cache: an update replaces every field of the value", "[cache]") {
  instruments_cache cache;
  cache.upsert(instrument_id{1}, instrument{instrument_id{1}, "OLD", "Old name", "USD"});
  cache.upsert(instrument_id{1}, instrument{instrument_id{1}, "NEW", "New name", "EUR", decimal{5, 2}});
  const auto* got = cache.find(instrument_id{1});
  REQUIRE(got != nullptr);
  CHECK(got->value.symbol == "NEW");
  CHECK(got->value.name == "New name");
  CHECK(got->value.currency == "EUR");
  CHECK(got->value.tick_size == decimal{5, 2});
}
