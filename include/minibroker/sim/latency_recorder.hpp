#pragma once
// A latency distribution: log-scaled buckets (Boost.Histogram) from 1 ns to 100 s, about 1%
// wide, so memory is fixed however many samples arrive. Percentiles are bucket upper bounds
// (never under-reported, at most ~1% over); count, max and mean are exact.

#include <cstdint>
#include <memory>

#include "minibroker/core/clock.hpp"

namespace minibroker {

struct latency_percentiles {
  std::uint64_t count = 0;
  duration p50{};
  duration p90{};
  duration p99{};
  duration p999{};
  duration max{};
  duration mean{};
};

// Thread safety: none (one owner).
class latency_recorder {
public:
  latency_recorder();
  ~latency_recorder();
  latency_recorder(latency_recorder&&) noexcept;
  latency_recorder& operator=(latency_recorder&&) noexcept;

  // Negative samples (clock steps) are counted as zero.
  void record(duration sample);
  // Adds another recorder's samples to this one's.
  void merge(const latency_recorder& other);
  [[nodiscard]] std::uint64_t count() const noexcept;
  // The smallest bucket bound with at least q (0..1] of the samples at or below it.
  [[nodiscard]] duration percentile(double q) const;
  [[nodiscard]] latency_percentiles summary() const;

private:
  class impl;
  std::unique_ptr<impl> impl_;
};

} // namespace minibroker
