#pragma once
// Internal: the server's counters, atomics so stats() and GET /metrics can read them from any
// thread while the strand counts.

#include <array>
#include <atomic>
#include <cstdint>

#include "minibroker/ws/server_stats.hpp"

namespace minibroker::ws::detail {

class server_counters {
public:
  using counter = std::atomic<std::uint64_t>;

  static void add(counter& c, std::uint64_t n = 1) noexcept { c.fetch_add(n, std::memory_order_relaxed); }
  static void sub(counter& c) noexcept { c.fetch_sub(1, std::memory_order_relaxed); }

  counter& connections(endpoint e) noexcept { return connections_[index(e)]; }
  counter& accepted(endpoint e) noexcept { return accepted_[index(e)]; }
  counter& messages_in(endpoint e) noexcept { return messages_in_[index(e)]; }
  counter& messages_out(endpoint e) noexcept { return messages_out_[index(e)]; }
  counter& slow_closes(endpoint e) noexcept { return slow_closes_[index(e)]; }
  counter& refusals(refusal r) noexcept { return refusals_[static_cast<std::size_t>(r)]; }
  counter& errors(codec_error c) noexcept { return errors_[static_cast<std::size_t>(c)]; }
  counter& rejects(reject_reason r) noexcept { return rejects_[static_cast<std::size_t>(r)]; }

  counter acks{0};
  counter http_requests{0};
  counter quotes_conflated{0};
  counter idle_timeouts{0};
  counter network_errors{0};
  counter resyncs_refused{0};
  counter resends{0};
  counter reports{0};

  [[nodiscard]] std::uint64_t open_connections() const noexcept {
    std::uint64_t n = 0;
    for (const auto& c : connections_) {
      n += c.load(std::memory_order_relaxed);
    }
    return n;
  }

  [[nodiscard]] server_stats snapshot() const noexcept {
    server_stats s;
    copy(connections_, s.connections);
    copy(accepted_, s.connections_accepted);
    copy(messages_in_, s.messages_in);
    copy(messages_out_, s.messages_out);
    copy(slow_closes_, s.slow_consumer_closes);
    copy(refusals_, s.refusals);
    copy(errors_, s.errors);
    copy(rejects_, s.rejects);
    s.acks = acks.load(std::memory_order_relaxed);
    s.http_requests = http_requests.load(std::memory_order_relaxed);
    s.quotes_conflated = quotes_conflated.load(std::memory_order_relaxed);
    s.idle_timeouts = idle_timeouts.load(std::memory_order_relaxed);
    s.network_errors = network_errors.load(std::memory_order_relaxed);
    s.resyncs_refused = resyncs_refused.load(std::memory_order_relaxed);
    s.resends = resends.load(std::memory_order_relaxed);
    s.reports = reports.load(std::memory_order_relaxed);
    return s;
  }

private:
  static std::size_t index(endpoint e) noexcept { return static_cast<std::size_t>(e); }
  template <std::size_t N>
  static void copy(const std::array<counter, N>& from, std::array<std::uint64_t, N>& to) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
      to[i] = from[i].load(std::memory_order_relaxed);
    }
  }

  std::array<counter, endpoint_count> connections_{};
  std::array<counter, endpoint_count> accepted_{};
  std::array<counter, endpoint_count> messages_in_{};
  std::array<counter, endpoint_count> messages_out_{};
  std::array<counter, endpoint_count> slow_closes_{};
  std::array<counter, refusal_count> refusals_{};
  std::array<counter, codec_error_count + 1> errors_{};
  std::array<counter, reject_reason_count> rejects_{};
};

} // namespace minibroker::ws::detail
