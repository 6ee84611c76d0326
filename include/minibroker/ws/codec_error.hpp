#pragma once
// Why an inbound WebSocket message could not be understood. Each has a stable wire name (the
// "code" of an error message, see docs/protocol.md); the text says what exactly was wrong.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/assert/source_location.hpp>

#include "minibroker/core/ids.hpp"

namespace minibroker::ws {

enum class codec_error : std::uint8_t {
  malformed_json = 1, // not JSON at all
  not_an_object,      // JSON, but not an object
  missing_field,      // a required field is absent
  unknown_field,      // a field this message type does not have
  wrong_type,         // a field of the wrong JSON type (a number for a string, ...)
  invalid_value,      // right type, value out of its domain (an unknown side, id 0, ...)
  unknown_type,       // "type" names no message this endpoint accepts
  binary_frame,       // the endpoint speaks text frames only
  message_too_big,    // over the server's maximum message size (the connection is closed)
  unexpected_message, // the endpoint takes no messages (execution reports, instruments)
};

inline constexpr std::size_t codec_error_count = static_cast<std::size_t>(codec_error::unexpected_message) + 1;

// "malformed_json", "missing_field", ...
std::string_view to_string(codec_error e) noexcept;

// A decoding failure: the code, a text naming the field and what was expected, and the client
// order id when the message got far enough to carry a readable one.
struct decode_error {
  codec_error code = codec_error::malformed_json;
  std::string text;
  std::optional<client_order_id> id;
};

// For boost::system::result<T, decode_error>::value() on an error: throws std::invalid_argument.
[[noreturn]] void throw_exception_from_error(const decode_error& e, const boost::source_location& loc);

} // namespace minibroker::ws
