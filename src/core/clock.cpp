#include "minibroker/core/clock.hpp"

namespace minibroker {

real_clock::real_clock() noexcept
    : origin_(std::chrono::time_point_cast<duration>(std::chrono::system_clock::now())),
      steady_origin_(std::chrono::steady_clock::now()) {}

timestamp real_clock::now() const noexcept {
  return origin_ + std::chrono::duration_cast<duration>(std::chrono::steady_clock::now() - steady_origin_);
}

void virtual_clock::advance_to(timestamp t) noexcept {
  // One writer (the driving thread), so a load and a store: no locked compare-and-swap, which on
  // x86 also waits for every store before it to reach the cache, once per event.
  const std::int64_t target = t.time_since_epoch().count();
  if (now_.load(std::memory_order_relaxed) < target) {
    now_.store(target, std::memory_order_release);
  }
}

} // namespace minibroker
