#include "latency_stats.hpp"

#include <algorithm>
#include <cmath>

namespace minibroker::cli {

latency_summary summarize(std::vector<std::int64_t>& samples) {
  latency_summary s;
  if (samples.empty()) {
    return s;
  }
  // Nearest rank: the smallest sample with at least q of all samples at or below it.
  const auto at = [&](double q) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
    const auto index = std::clamp<std::size_t>(rank, 1, samples.size()) - 1;
    std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(index), samples.end());
    return samples[index];
  };
  s.p50 = at(0.50);
  s.p90 = at(0.90);
  s.p99 = at(0.99);
  s.p999 = at(0.999);
  s.max = *std::max_element(samples.begin(), samples.end());
  return s;
}

} // namespace minibroker::cli
