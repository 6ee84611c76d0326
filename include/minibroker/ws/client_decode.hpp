#pragma once
// The client side of the codec: decoders for what the exchange's server sends (docs/protocol.md),
// for the broker's WebSocket adapters and for tests. Symbols become instrument ids and decimal
// prices become ticks through the instruments the client has heard of (from /ws/instruments).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/system/result.hpp>

#include "minibroker/core/records.hpp"
#include "minibroker/ws/codec_error.hpp"
#include "minibroker/ws/messages.hpp"
#include "minibroker/ws/order_translation.hpp"

namespace minibroker::ws {

struct snapshot_end_message {
  std::uint64_t count = 0;
};

struct ack_message {
  request_kind kind = request_kind::new_order;
  client_order_id id;
  std::string symbol;
  order_id order;
  order_status status = order_status::new_order;
  quantity cum_qty;
  quantity open_qty;
  friend bool operator==(const ack_message&, const ack_message&) = default;
};

struct reject_message {
  request_kind kind = request_kind::new_order;
  client_order_id id;
  std::string symbol;
  reject_reason reason = reject_reason::none;
  std::string text;
};

struct error_message {
  codec_error code = codec_error::malformed_json;
  std::string text;
  std::optional<client_order_id> id;
};

// An execution report with the institution's report number; report.institution is left zero
// (the stream is the institution's) and report.sequence is the instrument's, unknown here: zero.
struct report_message {
  sequence_number seq = 0;
  execution_report report;
};

using server_message =
    std::variant<instrument, quote, snapshot_end_message, ack_message, reject_message, error_message, report_message>;

// Any message of any endpoint. Quotes and reports need their symbol in `instruments`
// (invalid_value otherwise); instruments carry their own tick size.
boost::system::result<server_message, decode_error> decode_server_message(std::string_view text,
                                                                          const instrument_directory& instruments);

} // namespace minibroker::ws
