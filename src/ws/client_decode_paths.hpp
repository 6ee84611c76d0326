#pragma once
// Internal: the two paths of decode_server_message(). Quotes are most of what a client reads, and
// acks most of what an order connection reads; the server writes each in one shape (encode_quote,
// encode_ack): read_quote_fast() and read_ack_fast() read that shape without a JSON parser. Anything else (another key
// order, whitespace, escapes, bytes outside printable ASCII, a sign in a number or one past int64, an unknown symbol, a
// bad price) it leaves to decode_parsed(), the general decoder, which also names the errors. What a fast path accepts,
// the general decoder accepts with the same value (the ws_messages fuzz target checks it).

#include <optional>
#include <string_view>

#include <boost/system/result.hpp>

#include "minibroker/core/records.hpp"
#include "minibroker/ws/client_decode.hpp"
#include "minibroker/ws/order_translation.hpp"

namespace minibroker::ws::detail {

std::optional<quote> read_quote_fast(std::string_view text, const instrument_directory& instruments) noexcept;
std::optional<ack_message> read_ack_fast(std::string_view text);

boost::system::result<server_message, decode_error> decode_parsed(std::string_view text,
                                                                  const instrument_directory& instruments);

} // namespace minibroker::ws::detail
