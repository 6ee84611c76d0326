#include "minibroker/core/clock.hpp"

namespace minibroker {

real_clock::real_clock() noexcept
    : origin_(std::chrono::time_point_cast<duration>(std::chrono::system_clock::now())),
      steady_origin_(std::chrono::steady_clock::now()) {}

timestamp real_clock::now() const noexcept {
  return origin_ + std::chrono::duration_cast<duration>(std::chrono::steady_clock::now() - steady_origin_);
}

void virtual_clock::advance_to(timestamp t) noexcept {
  const std::int64_t target = t.time_since_epoch().count();
  std::int64_t current = now_.load(std::memory_order_relaxed);
  while (current < target && !now_.compare_exchange_weak(current, target, std::memory_order_acq_rel)) {
  }
}

} // namespace minibroker
