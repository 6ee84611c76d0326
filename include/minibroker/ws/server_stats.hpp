#pragma once
// What the WebSocket server has done, as a snapshot of plain values (exchange_server::stats()).
// The same numbers are on GET /metrics.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "minibroker/core/enums.hpp"
#include "minibroker/ws/codec_error.hpp"

namespace minibroker::ws {

enum class endpoint : std::uint8_t { instruments, quotes, order, order_update };
inline constexpr std::size_t endpoint_count = 4;
// "instruments", "quotes", "order", "order_update"
std::string_view to_string(endpoint e) noexcept;

// Why an HTTP request or an upgrade was refused; each is one HTTP status.
enum class refusal : std::uint8_t {
  bad_request,          // 400: unparsable HTTP, oversize body
  unauthorized,         // 401: no token, or a token no institution has
  forbidden,            // 403: an Origin not allowed, or another institution's reports
  not_found,            // 404: no such path (or institution)
  method_not_allowed,   // 405
  upgrade_required,     // 426: a WebSocket path asked without an upgrade
  too_many_connections, // 503
};
inline constexpr std::size_t refusal_count = 7;
std::string_view to_string(refusal r) noexcept; // "unauthorized", ...
unsigned http_status(refusal r) noexcept;       // 401, ...

struct server_stats {
  std::array<std::uint64_t, endpoint_count> connections{};          // open now
  std::array<std::uint64_t, endpoint_count> connections_accepted{}; // since start
  std::array<std::uint64_t, endpoint_count> messages_in{};
  std::array<std::uint64_t, endpoint_count> messages_out{};
  std::array<std::uint64_t, endpoint_count> slow_consumer_closes{}; // closed with 4001
  std::array<std::uint64_t, refusal_count> refusals{};
  std::array<std::uint64_t, codec_error_count + 1> errors{}; // by codec_error (index = its value)
  std::array<std::uint64_t, reject_reason_count> rejects{};  // rejects sent on /ws/order, by reason
  std::uint64_t acks = 0;                                    // acks sent on /ws/order
  std::uint64_t http_requests = 0;
  std::uint64_t quotes_conflated = 0; // quotes replaced by a newer one before a slow client got them
  std::uint64_t idle_timeouts = 0;
  std::uint64_t network_errors = 0;  // reads or writes that failed for another reason
  std::uint64_t resyncs_refused = 0; // ?from= older than the journal (close code 4002)
  std::uint64_t resends = 0;         // numbered requests received again: answered, not executed again
  std::uint64_t reports = 0;         // execution reports journaled (all institutions)

  [[nodiscard]] std::uint64_t open_connections() const noexcept {
    std::uint64_t n = 0;
    for (auto c : connections) {
      n += c;
    }
    return n;
  }
  [[nodiscard]] std::uint64_t error(codec_error e) const noexcept { return errors[static_cast<std::size_t>(e)]; }
  [[nodiscard]] std::uint64_t refused(refusal r) const noexcept { return refusals[static_cast<std::size_t>(r)]; }
  [[nodiscard]] std::uint64_t rejected(reject_reason r) const noexcept { return rejects[static_cast<std::size_t>(r)]; }
  [[nodiscard]] std::uint64_t at(const std::array<std::uint64_t, endpoint_count>& a, endpoint e) const noexcept {
    return a[static_cast<std::size_t>(e)];
  }
};

} // namespace minibroker::ws
