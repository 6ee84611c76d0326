#include "local_queue.hpp"

#include <utility>

namespace minibroker::bus::detail {
local_queue::local_queue(const void* owner_bus, std::string queue_name, const payload_type& payload,
                         queue_options options, std::uint32_t order_, std::shared_ptr<const void> topics,
                         std::shared_ptr<local_queue> dead_letter, logger log)
    : queue_handle{owner_bus, std::move(queue_name), &payload}, order(order_), options_(std::move(options)),
      topics_(std::move(topics)), dead_letter_(std::move(dead_letter)), log_(std::move(log)) {}

void local_queue::handler_failed(void* message, const char* what, handled& counts) noexcept {
  bool counted = false;
  try {
    message_header& header = type->header(message);
    if (dead_letter_) {
      header.dead_letter_reason = what;
      if (dead_letter_->take_dead_letter(message)) {
        ++counts.dead_lettered;
        return;
      }
      ++counts.failed;
      counted = true;
      log_.error("bus: queue {}: handler threw on message {} #{} and dead-letter queue {} is full: {}", name,
                 header.routing_key, header.sequence, dead_letter_->name, what);
      return;
    }
    ++counts.failed;
    counted = true;
    log_.error("bus: queue {}: handler threw on message {} #{}: {}", name, header.routing_key, header.sequence, what);
  } catch (...) {
    if (!counted) {
      ++counts.failed; // dead-lettering itself threw
    }
  }
}

} // namespace minibroker::bus::detail
