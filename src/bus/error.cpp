#include "minibroker/bus/error.hpp"

#include <string>

namespace minibroker::bus {
namespace {

class bus_category_impl final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "minibroker.bus"; }
  std::string message(int ev) const override {
    switch (static_cast<bus_error>(ev)) {
    case bus_error::empty_name: return "topic and queue names must not be empty";
    case bus_error::name_too_long: return "topic and queue names are at most 255 bytes";
    case bus_error::key_too_long: return "binding and routing keys are at most 255 bytes";
    case bus_error::too_many_hash_words: return "a binding key may have at most two '#' words";
    case bus_error::invalid_handle: return "the topic or queue handle is empty or belongs to another bus";
    case bus_error::queue_options_differ: return "the queue is already declared with other options";
    case bus_error::queue_type_differs: return "the queue is already declared with another payload type";
    case bus_error::invalid_capacity: return "queue capacity must be between 1 and 2^31 - 1";
    case bus_error::unknown_dead_letter_queue: return "the dead-letter queue is not declared";
    case bus_error::dead_letter_type_differs: return "the dead-letter queue carries another payload type";
    case bus_error::already_subscribed: return "the queue already has a consumer";
    }
    return "unknown bus error";
  }
};

} // namespace

const boost::system::error_category& bus_category() noexcept {
  static const bus_category_impl category;
  return category;
}

} // namespace minibroker::bus
