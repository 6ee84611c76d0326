#pragma once
// Internal: encoders that write into the caller's buffer, for the server's busiest messages, which
// it copies once into a shared_text (encode.hpp's versions return a std::string, one allocation
// more per message).

#include <fmt/format.h>

#include "minibroker/core/records.hpp"
#include "minibroker/ws/messages.hpp"

namespace minibroker::ws::detail {

void encode_quote_to(fmt::memory_buffer& out, const quote& q, const instrument& i);
void encode_ack_to(fmt::memory_buffer& out, request_kind kind, const execution_report& report, const instrument& i);
void encode_report_to(fmt::memory_buffer& out, sequence_number seq, const execution_report& r, const instrument& i);

} // namespace minibroker::ws::detail
