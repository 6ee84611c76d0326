#pragma once
// How a timetable reads and writes its rows: timetable_traits<Row>.
//
// A traits type may define (all static):
//   timestamp time_of(const Row&)          the row's own time; without it, append(time, row) only
//   using key_type; key_type key_of(const Row&)   the per-key index (symbol, instrument);
//                                                  without it, no per-key queries
//   void write_csv_header(fmt::memory_buffer&)     the CSV header line, without the newline
//   void write_csv_row(fmt::memory_buffer&, timestamp, const Row&, const tick_size_lookup&)
//                                                  one CSV line, without the newline
// Ready-made traits for the domain records are below; specialise timetable_traits for your own
// rows, or give timetable a different Traits argument.
//
// CSV: comma separated, '\n' line ends, the first column is `time` (nanoseconds since the epoch),
// prices as decimal strings (format_price with the instrument's tick size), enums by their
// stable names, text fields quoted per RFC 4180 only when they contain ',', '"', '\r' or '\n'.
// Columns that do not apply to a row are empty (a market order's price, a non-trade report's
// last price).

#include <concepts>
#include <functional>
#include <string_view>

#include <fmt/format.h>

#include "minibroker/core/clock.hpp"
#include "minibroker/core/decimal.hpp"
#include "minibroker/core/ids.hpp"
#include "minibroker/core/records.hpp"

namespace minibroker {

// The tick size of an instrument, for printing its prices. See tick_sizes_from() in timetable.hpp.
using tick_size_lookup = std::function<decimal(instrument_id)>;

// Appends `text` as one CSV field, quoted only when it has to be.
void write_csv_field(fmt::memory_buffer& out, std::string_view text);

template <typename Row>
struct timetable_traits; // specialise for each row type

template <>
struct timetable_traits<quote> {
  using key_type = instrument_id;
  static timestamp time_of(const quote& q) noexcept { return q.time; }
  static key_type key_of(const quote& q) noexcept { return q.instrument; }
  // time,instrument,bid,bid_size,ask,ask_size,last,sequence
  static void write_csv_header(fmt::memory_buffer& out);
  static void write_csv_row(fmt::memory_buffer& out, timestamp t, const quote& q, const tick_size_lookup& ticks);
};

// Instruments carry no time of their own: append(time, instrument) with the time it was seen.
template <>
struct timetable_traits<instrument> {
  using key_type = instrument_id;
  static key_type key_of(const instrument& i) noexcept { return i.id; }
  // time,id,symbol,name,currency,tick_size,lot_size,reference_price,status (the instrument's own tick)
  static void write_csv_header(fmt::memory_buffer& out);
  static void write_csv_row(fmt::memory_buffer& out, timestamp t, const instrument& i, const tick_size_lookup& ticks);
};

template <>
struct timetable_traits<execution_report> {
  using key_type = instrument_id;
  static timestamp time_of(const execution_report& e) noexcept { return e.time; }
  static key_type key_of(const execution_report& e) noexcept { return e.instrument; }
  // time,sequence,instrument,order_id,institution,client_order_id,exec_type,status,side,order_type,
  // tif,order_price,order_qty,last_price,last_qty,cum_qty,open_qty,trade_id,reason
  static void write_csv_header(fmt::memory_buffer& out);
  static void write_csv_row(fmt::memory_buffer& out, timestamp t, const execution_report& e,
                            const tick_size_lookup& ticks);
};

template <>
struct timetable_traits<trade> {
  using key_type = instrument_id;
  static timestamp time_of(const trade& t) noexcept { return t.time; }
  static key_type key_of(const trade& t) noexcept { return t.instrument; }
  // time,sequence,trade_id,instrument,price,qty,aggressor,buy_order_id,buy_institution,
  // buy_client_order_id,sell_order_id,sell_institution,sell_client_order_id
  static void write_csv_header(fmt::memory_buffer& out);
  static void write_csv_row(fmt::memory_buffer& out, timestamp t, const trade& tr, const tick_size_lookup& ticks);
};

// What the timetable asks of its traits.
template <typename Traits, typename Row>
concept timed_row_traits = requires(const Row& row) {
  { Traits::time_of(row) } -> std::convertible_to<timestamp>;
};

template <typename Traits, typename Row>
concept keyed_row_traits = requires(const Row& row) {
  typename Traits::key_type;
  { Traits::key_of(row) } -> std::convertible_to<typename Traits::key_type>;
};

template <typename Traits, typename Row>
concept csv_row_traits = requires(fmt::memory_buffer& out, timestamp t, const Row& row, const tick_size_lookup& ticks) {
  Traits::write_csv_header(out);
  Traits::write_csv_row(out, t, row, ticks);
};

} // namespace minibroker
