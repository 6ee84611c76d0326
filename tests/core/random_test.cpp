#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "minibroker/core/random.hpp"

using namespace minibroker;

TEST_CASE("random: the same seed gives the same sequence", "[random]") {
  random_source a{42};
  random_source b{42};
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(a.uniform(-50, 50) == b.uniform(-50, 50));
  }
}

TEST_CASE("random: different seeds give different sequences", "[random]") {
  random_source a{1};
  random_source b{2};
  int same = 0;
  for (int i = 0; i < 100; ++i) {
    same += a.next() == b.next() ? 1 : 0;
  }
  CHECK(same < 5);
}

TEST_CASE("random: the sequence is pinned across platforms", "[random]") {
  // random_source is mt19937_64, which the standard specifies fully: seeded with its default seed,
  // its first output is the same everywhere.
  random_source r{5489};
  CHECK(r.next() == 14514284786278117030ULL);
}

TEST_CASE("random: bounded draws stay in bounds and cover them", "[random]") {
  random_source r{7};
  std::array<int, 7> seen{};
  for (int i = 0; i < 10000; ++i) {
    auto v = r.uniform(-3, 3);
    REQUIRE(v >= -3);
    REQUIRE(v <= 3);
    ++seen[static_cast<std::size_t>(v + 3)];
  }
  for (int count : seen) {
    CHECK(count > 1200); // ~1428 each
  }
  for (int i = 0; i < 1000; ++i) {
    auto u = r.unit();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
  }
  CHECK(r.uniform(INT64_MIN, INT64_MAX) != r.uniform(INT64_MIN, INT64_MAX));
}

TEST_CASE("random: forks are deterministic and independent", "[random]") {
  random_source a{9};
  random_source b{9};
  auto fa = a.fork();
  auto fb = b.fork();
  CHECK(fa.next() == fb.next());
  CHECK(a.next() != fa.next());
}
