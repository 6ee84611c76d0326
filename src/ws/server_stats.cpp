#include "minibroker/ws/server_stats.hpp"

namespace minibroker::ws {

std::string_view to_string(endpoint e) noexcept {
  switch (e) {
  case endpoint::instruments: return "instruments";
  case endpoint::quotes: return "quotes";
  case endpoint::order: return "order";
  case endpoint::order_update: return "order_update";
  }
  return "unknown";
}

std::string_view to_string(refusal r) noexcept {
  switch (r) {
  case refusal::bad_request: return "bad_request";
  case refusal::unauthorized: return "unauthorized";
  case refusal::forbidden: return "forbidden";
  case refusal::not_found: return "not_found";
  case refusal::method_not_allowed: return "method_not_allowed";
  case refusal::upgrade_required: return "upgrade_required";
  case refusal::too_many_connections: return "too_many_connections";
  }
  return "unknown";
}

unsigned http_status(refusal r) noexcept {
  switch (r) {
  case refusal::bad_request: return 400;
  case refusal::unauthorized: return 401;
  case refusal::forbidden: return 403;
  case refusal::not_found: return 404;
  case refusal::method_not_allowed: return 405;
  case refusal::upgrade_required: return 426;
  case refusal::too_many_connections: return 503;
  }
  return 500;
}

} // namespace minibroker::ws
