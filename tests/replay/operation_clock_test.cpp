#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>

#include "minibroker/replay/operation_clock.hpp"

using namespace minibroker::replay;

namespace {
// Work the optimiser cannot drop, long enough for both clocks to see milliseconds pass.
std::uint64_t busy_work(std::uint64_t rounds) {
  volatile std::uint64_t sink = 1;
  for (std::uint64_t i = 0; i < rounds; ++i) {
    sink = sink * 6364136223846793005ULL + i;
  }
  return sink;
}
} // namespace

TEST_CASE("operation clock: ticks converted at the calibrated rate agree with steady_clock over another interval",
          "[replay][clock]") {
  tick_calibration calibration;
  calibration.start();
  busy_work(20'000'000);
  calibration.stop();
  REQUIRE(calibration.elapsed() > std::chrono::milliseconds(1));
  REQUIRE(calibration.ns_per_tick() > 0.0);

  // A second interval, measured by both clocks.
  const auto steady_before = std::chrono::steady_clock::now();
  const std::uint64_t ticks_before = operation_clock::now();
  busy_work(20'000'000);
  const std::uint64_t ticks_after = operation_clock::now();
  const auto steady_after = std::chrono::steady_clock::now();

  const auto steady_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(steady_after - steady_before).count();
  const std::int64_t tick_ns = calibration.nanoseconds(ticks_after - ticks_before);
  REQUIRE(steady_ns > 1'000'000);
  // Loose: a preemption between the two clocks' reads lands on one of them only.
  const double ratio = static_cast<double>(tick_ns) / static_cast<double>(steady_ns);
  CHECK(ratio > 0.8);
  CHECK(ratio < 1.25);
}

TEST_CASE("operation clock: an interval empty on either clock calibrates to one nanosecond a tick", "[replay][clock]") {
  const tick_calibration never_started;
  CHECK(never_started.ns_per_tick() == 1.0);
  CHECK(never_started.nanoseconds(250) == 250);
}
