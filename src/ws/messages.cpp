#include "minibroker/ws/messages.hpp"

namespace minibroker::ws {

std::string_view to_string(request_kind k) noexcept {
  switch (k) {
  case request_kind::new_order: return "new";
  case request_kind::cancel: return "cancel";
  case request_kind::replace: return "replace";
  }
  return "unknown";
}

} // namespace minibroker::ws
