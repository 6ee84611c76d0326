#pragma once
// Exact percentiles of a set of samples (nanoseconds).

#include <cstdint>
#include <vector>

namespace minibroker::cli {

struct latency_summary {
  std::int64_t p50 = 0;
  std::int64_t p90 = 0;
  std::int64_t p99 = 0;
  std::int64_t p999 = 0;
  std::int64_t max = 0;
};

// Reorders `samples`. Nearest-rank percentiles; all zero when there are no samples.
latency_summary summarize(std::vector<std::int64_t>& samples);

} // namespace minibroker::cli
