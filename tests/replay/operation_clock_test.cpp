#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
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

// One round: calibrate over one interval, then measure another on both clocks, and return the
// ratio of the ticks' nanoseconds to steady_clock's (1 when they agree).
[[nodiscard]] double calibrated_ratio() {
  tick_calibration calibration;
  calibration.start();
  busy_work(20'000'000);
  calibration.stop();
  REQUIRE(calibration.elapsed() > std::chrono::milliseconds(1));
  REQUIRE(calibration.ns_per_tick() > 0.0);

  const auto steady_before = std::chrono::steady_clock::now();
  const std::uint64_t ticks_before = operation_clock::now();
  busy_work(20'000'000);
  const std::uint64_t ticks_after = operation_clock::now();
  const auto steady_after = std::chrono::steady_clock::now();

  const auto steady_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(steady_after - steady_before).count();
  REQUIRE(steady_ns > 1'000'000);
  return static_cast<double>(calibration.nanoseconds(ticks_after - ticks_before)) / static_cast<double>(steady_ns);
}
} // namespace

TEST_CASE("operation clock: ticks converted at the calibrated rate agree with steady_clock over another interval",
          "[replay][clock]") {
  // A preemption between a pair of reads (one clock's and the other's) skews the round it lands
  // in; the median of five rounds is skewed only if three are. A wrong conversion skews them all.
  std::array<double, 5> ratios{};
  for (double& r : ratios) {
    r = calibrated_ratio();
  }
  std::sort(ratios.begin(), ratios.end());
  const double median = ratios[ratios.size() / 2];
  INFO("ratios " << ratios[0] << " " << ratios[1] << " " << ratios[2] << " " << ratios[3] << " " << ratios[4]);
  CHECK(median > 0.8);
  CHECK(median < 1.25);
}

TEST_CASE("operation clock: an interval empty on either clock calibrates to one nanosecond a tick", "[replay][clock]") {
  const tick_calibration never_started;
  CHECK(never_started.ns_per_tick() == 1.0);
  CHECK(never_started.nanoseconds(250) == 250);
}
