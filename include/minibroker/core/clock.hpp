#pragma once
// Time, injected. Nothing in the library reads the wall clock except real_clock.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace minibroker {

using duration = std::chrono::nanoseconds;
// Nanoseconds since the Unix epoch; a virtual clock starts wherever the simulation says.
using timestamp = std::chrono::sys_time<duration>;

// Thread safety: now() may be called from any thread.
class clock {
public:
  clock() = default;
  clock(const clock&) = delete;
  clock& operator=(const clock&) = delete;
  virtual ~clock() = default;
  [[nodiscard]] virtual timestamp now() const noexcept = 0;
};

// Wall-clock anchored, monotonic: the system time at construction plus the steady clock's
// progress since, so measured intervals never go backwards when the system time is adjusted.
class real_clock final : public clock {
public:
  real_clock() noexcept;
  [[nodiscard]] timestamp now() const noexcept override;

private:
  timestamp origin_;
  std::chrono::steady_clock::time_point steady_origin_;
};

// Time that moves only when told: the simulation jumps it to the next event.
// Thread safety: now() from any thread; advance_to() from the thread that drives the simulation.
class virtual_clock final : public clock {
public:
  explicit virtual_clock(timestamp start = timestamp{}) noexcept : now_(start.time_since_epoch().count()) {}
  [[nodiscard]] timestamp now() const noexcept override {
    return timestamp{duration{now_.load(std::memory_order_acquire)}};
  }
  // Moves forward to t; a t in the past is ignored (time never goes backwards).
  void advance_to(timestamp t) noexcept;
  void advance_by(duration d) noexcept { advance_to(now() + d); }

private:
  std::atomic<std::int64_t> now_;
};

} // namespace minibroker
