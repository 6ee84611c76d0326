#pragma once
// Internal: encoders that write into the caller's buffer, for the server's busiest messages, which
// it copies once into a shared_text (encode.hpp's versions return a std::string, one allocation
// more per message).

#include <fmt/format.h>

#include "minibroker/core/records.hpp"

namespace minibroker::ws::detail {

void encode_quote_to(fmt::memory_buffer& out, const quote& q, const instrument& i);

} // namespace minibroker::ws::detail
