#pragma once
// JSON Lines for `minibroker replay`: one object per event, names instead of ids, prices as
// decimal strings with the instrument's number of decimals. See docs/order-file.md.

#include <cstddef>
#include <string_view>

#include <fmt/format.h>

#include "minibroker/core/records.hpp"
#include "minibroker/matching/events.hpp"
#include "minibroker/replay/order_file.hpp"

namespace minibroker::replay {

// {"event":"trade","seq":..,"symbol":..,"price":"143.30","qty":10,"buy_institution":..,"buy_id":..,
//  "sell_institution":..,"sell_id":..,"aggressor":"buy","trade_id":..}
void append_trade_json(fmt::memory_buffer& out, const trade& t, const order_file_names& names);

// {"event":"report","seq":..,"symbol":..,"institution":..,"id":..,"order_id":..,"exec":"trade",
//  "status":"partially_filled","side":..,"type":..,"tif":..,"price":..,"qty":..,"cum_qty":..,
//  "open_qty":..[,"last_price":..,"last_qty":..,"trade_id":..][,"reason":..]}
void append_report_json(fmt::memory_buffer& out, const execution_report& r, const order_file_names& names);

// {"event":"top","seq":..,"symbol":..[,"bid":"1.00","bid_qty":5][,"ask":..,"ask_qty":..]}
void append_top_of_book_json(fmt::memory_buffer& out, const top_of_book& top, const order_file_names& names);

// {"event":"depth","seq":..,"symbol":..,"side":"buy","price":"1.00","qty":5,"orders":2}  (qty 0: level gone)
void append_depth_json(fmt::memory_buffer& out, const depth_update& update, const order_file_names& names);

// {"event":"error","line":N,"message":"..."}
void append_error_json(fmt::memory_buffer& out, std::size_t line, std::string_view message);

// A JSON string literal, quotes included, escaped per RFC 8259.
void append_json_string(fmt::memory_buffer& out, std::string_view text);

} // namespace minibroker::replay
