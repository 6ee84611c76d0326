#pragma once
// Encoders for every outbound WebSocket message: one JSON object per text frame, prices as
// decimal strings with the instrument's number of decimals, times in nanoseconds since the Unix
// epoch. See docs/protocol.md for each message.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "minibroker/core/records.hpp"
#include "minibroker/gateway/order_trace.hpp"
#include "minibroker/ws/codec_error.hpp"
#include "minibroker/ws/messages.hpp"

namespace minibroker::ws {

// {"type":"instrument","id":..,"symbol":..,"name":..,"currency":..,"tick_size":"0.01","lot_size":1,
//  "reference_price":"10.00","status":"trading"}
std::string encode_instrument(const instrument& i);

// {"type":"quote","symbol":..,"seq":..,"bid":"9.99","bid_size":..,"ask":"10.01","ask_size":..,
//  "last":"10.00","time":..}
std::string encode_quote(const quote& q, const instrument& i);

// {"type":"snapshot_end","count":N}: the snapshot's N messages are done; updates follow.
std::string encode_snapshot_end(std::size_t count);

// {"type":"ack","request":"new","id":..,"symbol":..,"order_id":..,"status":"new"}: the exchange
// took the request; `report` is the execution report that answered it.
std::string encode_ack(request_kind kind, const execution_report& report, const instrument& i);

// {"type":"reject","request":"new","id":..,"symbol":..,"reason":"price_not_on_tick","text":..}
std::string encode_reject(request_kind kind, client_order_id id, std::string_view symbol, reject_reason reason,
                          std::string_view text);

// {"type":"error","code":"missing_field","text":..[,"id":..]}
std::string encode_error(codec_error code, std::string_view text, std::optional<client_order_id> id = std::nullopt);
inline std::string encode_error(const decode_error& e) { return encode_error(e.code, e.text, e.id); }

// {"type":"report","seq":..,"symbol":..,"id":..,"order_id":..,"exec":"trade","status":..,"side":..,
//  "order_type":..,"tif":..[,"price":..],"qty":..,"cum_qty":..,"open_qty":..[,"last_price":..,
//  "last_qty":..,"trade_id":..][,"reason":..,"text":..],"time":..}
// `seq` is the institution's report sequence number (1, 2, ...), not the instrument's.
std::string encode_report(sequence_number seq, const execution_report& r, const instrument& i);

// The client's side: a request for /ws/order, naming `i` (the request's instrument) by symbol.
// {"type":"new","id":..,"symbol":..,"side":..,"order_type":..,"tif":..[,"price":..],"qty":..}
// {"type":"cancel","id":..,"symbol":..}
// {"type":"replace","id":..,"symbol":..[,"price":..][,"qty":..]}
// With `req`, each ends with ,"req":N (the request's number on its order; see messages.hpp).
std::string encode_request(const order_request& r, const instrument& i,
                           std::optional<std::uint64_t> req = std::nullopt);

// A sentence for each reject reason, for the "text" of rejects and reports.
std::string_view describe(reject_reason r) noexcept;

} // namespace minibroker::ws
