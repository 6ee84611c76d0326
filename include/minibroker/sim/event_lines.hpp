#pragma once
// The simulation's event log: one JSON object per line (no newline here). Times are
// nanoseconds on the simulation's clock; prices are decimal strings with the instrument's
// number of decimals; ids are numbers. docs/simulation.md describes every field.

#include <fmt/format.h>

#include "minibroker/core/records.hpp"
#include "minibroker/gateway/order_trace.hpp"

namespace minibroker {

// {"t":..,"event":"request","action":"new","institution":1,"id":7,"instrument":3,"side":"buy",
//  "type":"limit","tif":"gtc","price":"100.25","qty":10}   (cancel/replace: the fields they have)
void append_request_line(fmt::memory_buffer& out, timestamp t, const order_request& request, decimal tick);

// {"t":..,"event":"report","institution":1,"id":7,"order_id":12,"instrument":3,"seq":..,"exec":"trade",
//  "status":"filled","side":"buy","price":"100.25","qty":10,"cum_qty":10,"open_qty":0
//  [,"last_price":..,"last_qty":..,"trade_id":..][,"reason":..]}
void append_report_line(fmt::memory_buffer& out, timestamp t, const execution_report& report, decimal tick);

// {"t":..,"event":"quote","instrument":3,"seq":..,"bid":"..","bid_qty":..,"ask":"..","ask_qty":..,"last":".."}
void append_quote_line(fmt::memory_buffer& out, timestamp t, const quote& q, decimal tick);

// {"t":..,"event":"instrument","instrument":3,"symbol":"ABC","status":"trading","tick":"0.01","lot":100,
//  "reference_price":".."}
void append_instrument_line(fmt::memory_buffer& out, timestamp t, const instrument& i);

} // namespace minibroker
