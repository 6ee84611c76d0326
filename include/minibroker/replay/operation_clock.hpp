#pragma once
// The clock `minibroker replay --quiet` reads around each operation of its latency pass.
//
// On x86-64 it is the CPU's time-stamp counter, read after an lfence as the kernel's own
// clock_gettime reads it, so a read waits for the instructions before it and an operation's work
// is not counted in its neighbour's sample. It is cheaper than steady_clock::now() only by the
// conversion and the call: on the VM of BENCHMARKS.md an empty pair of reads measures 38 ticks
// (18 ns) against 22 ns for a pair of steady_clock::now(). An unordered rdtsc pair is cheaper
// still (22 ticks) because the reads overlap the work around them; that is not used. Ticks become
// nanoseconds at a rate measured against steady_clock over the timed interval itself
// (tick_calibration): no frequency is assumed. Header-only: only the replay command and its test
// use it. Elsewhere it is steady_clock, one tick a
// nanosecond.

#include <chrono>
#include <cmath>
#include <cstdint>

#if defined(__x86_64__) || defined(_M_X64)
#include <x86intrin.h>
#define MINIBROKER_OPERATION_CLOCK_TSC 1
#else
#define MINIBROKER_OPERATION_CLOCK_TSC 0
#endif

namespace minibroker::replay {

struct operation_clock {
  static constexpr bool is_tsc = MINIBROKER_OPERATION_CLOCK_TSC != 0;
  [[nodiscard]] static std::uint64_t now() noexcept {
#if MINIBROKER_OPERATION_CLOCK_TSC
    _mm_lfence();
    return __rdtsc();
#else
    return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
  }
};

// Nanoseconds per tick of operation_clock, from both clocks read at the start and at the end of an
// interval (the longer, the closer).
class tick_calibration {
public:
  void start() noexcept {
    steady_start_ = std::chrono::steady_clock::now();
    ticks_start_ = operation_clock::now();
  }
  void stop() noexcept {
    ticks_stop_ = operation_clock::now();
    steady_stop_ = std::chrono::steady_clock::now();
  }
  // 1 when the interval was empty on either clock.
  [[nodiscard]] double ns_per_tick() const noexcept {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(steady_stop_ - steady_start_).count();
    if (ns <= 0 || ticks_stop_ <= ticks_start_) {
      return 1.0;
    }
    return static_cast<double>(ns) / static_cast<double>(ticks_stop_ - ticks_start_);
  }
  [[nodiscard]] std::int64_t nanoseconds(std::uint64_t ticks) const noexcept {
    return std::llround(static_cast<double>(ticks) * ns_per_tick());
  }
  [[nodiscard]] std::chrono::steady_clock::duration elapsed() const noexcept { return steady_stop_ - steady_start_; }

private:
  std::chrono::steady_clock::time_point steady_start_;
  std::chrono::steady_clock::time_point steady_stop_;
  std::uint64_t ticks_start_ = 0;
  std::uint64_t ticks_stop_ = 0;
};

} // namespace minibroker::replay
