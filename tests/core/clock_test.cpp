#include <catch2/catch.hpp>

#include "minibroker/core/clock.hpp"

using namespace minibroker;
using namespace std::chrono_literals;

TEST_CASE("clock: virtual time moves only when told", "[clock]") {
  virtual_clock clock{timestamp{1000ns}};
  CHECK(clock.now() == timestamp{1000ns});
  CHECK(clock.now() == timestamp{1000ns});
  clock.advance_to(timestamp{5000ns});
  CHECK(clock.now() == timestamp{5000ns});
  clock.advance_by(250ns);
  CHECK(clock.now() == timestamp{5250ns});
}

TEST_CASE("clock: virtual time never goes backwards", "[clock]") {
  virtual_clock clock{timestamp{10s}};
  clock.advance_to(timestamp{5s});
  CHECK(clock.now() == timestamp{10s});
}

TEST_CASE("clock: real time is monotonic", "[clock]") {
  real_clock clock;
  auto a = clock.now();
  auto b = clock.now();
  CHECK(b >= a);
  CHECK(a.time_since_epoch() > 0ns);
}

TEST_CASE("clock: both kinds are used through one interface", "[clock]") {
  virtual_clock virt{timestamp{42ns}};
  const minibroker::clock& c = virt;
  CHECK(c.now() == timestamp{42ns});
}
