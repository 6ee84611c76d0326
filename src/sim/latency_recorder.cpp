#include "minibroker/sim/latency_recorder.hpp"

#include <algorithm>
#include <cmath>

#include <boost/histogram.hpp>

namespace minibroker {
namespace {
// 2000 log-spaced buckets over 1 ns .. 1e11 ns (100 s): each bucket is ~1.3% wide.
using log_axis = boost::histogram::axis::regular<double, boost::histogram::axis::transform::log>;
auto make_histogram() { return boost::histogram::make_histogram(log_axis(2000, 1.0, 1e11)); }
using histogram_type = decltype(make_histogram());
} // namespace

class latency_recorder::impl {
public:
  histogram_type histogram = make_histogram();
  std::int64_t max_ns = 0;
  long double sum_ns = 0;
};

latency_recorder::latency_recorder() : impl_(std::make_unique<impl>()) {}
latency_recorder::~latency_recorder() = default;
latency_recorder::latency_recorder(latency_recorder&&) noexcept = default;
latency_recorder& latency_recorder::operator=(latency_recorder&&) noexcept = default;

void latency_recorder::record_positive(std::int64_t ns) {
  // Samples over 100 s land in the overflow bucket.
  impl_->histogram(static_cast<double>(ns));
  impl_->max_ns = std::max(impl_->max_ns, ns);
  impl_->sum_ns += static_cast<long double>(ns);
}

void latency_recorder::merge(const latency_recorder& other) {
  impl_->histogram += other.impl_->histogram;
  zeros_ += other.zeros_;
  count_ += other.count_;
  impl_->max_ns = std::max(impl_->max_ns, other.impl_->max_ns);
  impl_->sum_ns += other.impl_->sum_ns;
}

duration latency_recorder::percentile(double q) const {
  if (count_ == 0) {
    return duration{0};
  }
  const auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_)));
  const std::uint64_t wanted = std::max<std::uint64_t>(rank, 1);
  std::uint64_t seen = zeros_;
  if (seen >= wanted) {
    return duration{0};
  }
  for (auto&& bin : boost::histogram::indexed(impl_->histogram, boost::histogram::coverage::all)) {
    seen += static_cast<std::uint64_t>(*bin);
    if (seen >= wanted) {
      const int index = bin.index();
      if (index < 0) {
        return duration{0}; // underflow: below 1 ns
      }
      // The bucket's upper bound, but never more than the largest sample seen.
      const double upper = index >= static_cast<int>(impl_->histogram.axis().size())
                               ? static_cast<double>(impl_->max_ns)
                               : bin.bin().upper();
      return duration{std::min(static_cast<std::int64_t>(std::ceil(upper)), impl_->max_ns)};
    }
  }
  return duration{impl_->max_ns};
}

latency_percentiles latency_recorder::summary() const {
  latency_percentiles s;
  s.count = count_;
  s.p50 = percentile(0.50);
  s.p90 = percentile(0.90);
  s.p99 = percentile(0.99);
  s.p999 = percentile(0.999);
  s.max = duration{impl_->max_ns};
  s.mean =
      count_ == 0 ? duration{0} : duration{static_cast<std::int64_t>(impl_->sum_ns / static_cast<long double>(count_))};
  return s;
}

} // namespace minibroker
