#pragma once
// The bus's errors: what declare, bind, subscribe and publish return when they refuse.

#include <type_traits>

#include <boost/system/error_code.hpp>

namespace minibroker::bus {

enum class bus_error {
  empty_name = 1,            // a topic or queue name is empty
  name_too_long,             // a topic or queue name is longer than 255 bytes
  key_too_long,              // a binding or routing key is longer than 255 bytes
  too_many_hash_words,       // a binding key has more than two "#" words
  invalid_handle,            // a default-constructed handle, or one from another bus
  queue_options_differ,      // the queue exists with other options
  queue_type_differs,        // the queue exists with another payload type
  invalid_capacity,          // capacity is zero or larger than the bus supports
  unknown_dead_letter_queue, // the dead-letter queue is not declared
  dead_letter_type_differs,  // the dead-letter queue carries another payload type
  already_subscribed,        // the queue already has a consumer
};

const boost::system::error_category& bus_category() noexcept;
inline boost::system::error_code make_error_code(bus_error e) noexcept { return {static_cast<int>(e), bus_category()}; }

} // namespace minibroker::bus

template <>
struct boost::system::is_error_code_enum<minibroker::bus::bus_error> : std::true_type {};
