#include "minibroker/ws/codec_error.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace minibroker::ws {

std::string_view to_string(codec_error e) noexcept {
  switch (e) {
  case codec_error::malformed_json: return "malformed_json";
  case codec_error::not_an_object: return "not_an_object";
  case codec_error::missing_field: return "missing_field";
  case codec_error::unknown_field: return "unknown_field";
  case codec_error::wrong_type: return "wrong_type";
  case codec_error::invalid_value: return "invalid_value";
  case codec_error::unknown_type: return "unknown_type";
  case codec_error::binary_frame: return "binary_frame";
  case codec_error::message_too_big: return "message_too_big";
  case codec_error::unexpected_message: return "unexpected_message";
  }
  return "unknown";
}

void throw_exception_from_error(const decode_error& e, const boost::source_location& /*loc*/) {
  throw std::invalid_argument(fmt::format("{}: {}", to_string(e.code), e.text));
}

} // namespace minibroker::ws
