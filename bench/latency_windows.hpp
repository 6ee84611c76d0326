#pragma once
// The latency of each stretch of a run (`minibroker_pipeline_load --windows MS`): reports grouped
// by their order's due time into windows of a fixed width, each with its own percentiles, end to
// end and per stage. A warm-up, or a stall of the machine, shows as windows whose p99 stands out,
// where the whole run's p99 only grows.

#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "minibroker/gateway/order_trace.hpp"
#include "minibroker/sim/latency_recorder.hpp"

namespace minibroker::bench {

// Thread safety: record() may be called from several threads (one per broker's strand).
class latency_windows {
public:
  explicit latency_windows(duration width) : width_(width) {}

  // Reports that went through the exchange only (a broker's own reject has no stages).
  void record(const order_trace& t) {
    if (t.exchange_received == timestamp{} || t.matched == timestamp{}) {
      return;
    }
    const std::lock_guard lock(mutex_);
    if (!start_) {
      start_ = t.frontend_sent; // about the run's start: reports come back nearly in due order
    }
    const auto since = t.frontend_sent - *start_;
    const auto index = since < duration{} ? std::size_t{0} : static_cast<std::size_t>(since / width_);
    if (index >= windows_.size()) {
      windows_.resize(index + 1);
    }
    window& w = windows_[index];
    w.end_to_end.record(t.report_received - t.frontend_sent);
    w.late.record(t.broker_received - t.frontend_sent);
    w.to_exchange.record(t.exchange_received - t.broker_received);
    w.to_matcher.record(t.matched - t.exchange_received);
    w.back.record(t.report_received - t.matched);
  }

  void print() const {
    const std::lock_guard lock(mutex_);
    const auto us = [](duration d) { return static_cast<double>(d.count()) / 1e3; };
    fmt::print("  by due time, windows of {:.0f} ms: end to end p50 and p99, then each stage's p99 (us)\n",
               us(width_) / 1e3);
    fmt::print("  {:>8} {:>8} {:>8} {:>9} | {:>8} {:>9} {:>9} {:>9}\n", "from ms", "reports", "p50", "p99", "late",
               "->exch", "->match", "->back");
    for (std::size_t i = 0; i < windows_.size(); ++i) {
      const window& w = windows_[i];
      if (w.end_to_end.count() == 0) {
        continue;
      }
      fmt::print("  {:>8.0f} {:>8} {:>8.1f} {:>9.1f} | {:>8.1f} {:>9.1f} {:>9.1f} {:>9.1f}\n",
                 us(width_ * static_cast<duration::rep>(i)) / 1e3, w.end_to_end.count(),
                 us(w.end_to_end.percentile(0.5)), us(w.end_to_end.percentile(0.99)), us(w.late.percentile(0.99)),
                 us(w.to_exchange.percentile(0.99)), us(w.to_matcher.percentile(0.99)), us(w.back.percentile(0.99)));
    }
  }

private:
  struct window {
    latency_recorder end_to_end;
    latency_recorder late; // due -> the broker's order handler
    latency_recorder to_exchange;
    latency_recorder to_matcher;
    latency_recorder back; // matcher -> the report at the broker
  };
  duration width_;
  mutable std::mutex mutex_;
  std::optional<timestamp> start_;
  std::vector<window> windows_;
};

} // namespace minibroker::bench
