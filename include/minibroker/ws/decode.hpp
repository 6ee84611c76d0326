#pragma once
// Decoders for every inbound WebSocket message. Each takes the frame's text and returns the
// message or a decode_error with a specific code and text; none throws for bad input.

#include <string_view>

#include <boost/system/result.hpp>

#include "minibroker/ws/codec_error.hpp"
#include "minibroker/ws/messages.hpp"

namespace minibroker::ws {

// /ws/order: "new", "cancel" or "replace".
boost::system::result<order_message, decode_error> decode_order_message(std::string_view text);

// /ws/quotes: "subscribe".
boost::system::result<quote_subscription, decode_error> decode_quote_subscription(std::string_view text);

} // namespace minibroker::ws
