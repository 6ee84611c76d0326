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

  // Negative samples (clock steps) are counted as zero. Inline for the zeros: under the virtual
  // clock nearly every stage takes no time, and six samples a report were a call each.
  void record(duration sample) {
    ++count_;
    if (sample.count() <= 0) {
      ++zeros_;
      return;
    }
    record_positive(sample.count());
  }
  // Adds another recorder's samples to this one's.
  void merge(const latency_recorder& other);
  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  // The smallest bucket bound with at least q (0..1] of the samples at or below it.
  [[nodiscard]] duration percentile(double q) const;
  [[nodiscard]] latency_percentiles summary() const;

private:
  void record_positive(std::int64_t ns);

  class impl;
  std::unique_ptr<impl> impl_;
  // Samples of exactly 0 ns (or less), kept out of the histogram: the log axis would compute a
  // logarithm for each.
  std::uint64_t zeros_ = 0;
  std::uint64_t count_ = 0;
};

} // namespace minibroker
