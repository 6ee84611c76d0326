#pragma once
// Internal: the two paths of decode_order_message(). Clients built on our encoder (the broker's
// order gateway) write each request in one shape (encode_request): read_order_fast() reads that
// shape without a JSON parser. Anything else (another key order, a field left to its default,
// whitespace, escapes, bytes outside printable ASCII, a sign in a number or one past int64, an
// unknown enum name) it leaves to decode_order_parsed(), the general decoder, which also names the
// errors. What the fast path accepts, the general decoder accepts with the same value (tests and
// the ws_messages fuzz target check it).

#include <optional>
#include <string_view>

#include <boost/system/result.hpp>

#include "minibroker/ws/codec_error.hpp"
#include "minibroker/ws/messages.hpp"

namespace minibroker::ws::detail {

std::optional<order_message> read_order_fast(std::string_view text);
boost::system::result<order_message, decode_error> decode_order_parsed(std::string_view text);

} // namespace minibroker::ws::detail
