#pragma once
// Internal: GET /metrics, the Prometheus text exposition format (0.0.4).

#include <string>

#include "minibroker/exchange/stats.hpp"
#include "minibroker/ws/server_stats.hpp"

namespace minibroker::ws::detail {

std::string render_metrics(const server_stats& server, const exchange_stats& exchange);

} // namespace minibroker::ws::detail
