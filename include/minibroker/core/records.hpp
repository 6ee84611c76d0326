#pragma once
// The domain records: plain aggregates, copyable values, each with an fmt formatter.

#include <optional>
#include <string>

#include <fmt/format.h>

#include "minibroker/core/clock.hpp"
#include "minibroker/core/decimal.hpp"
#include "minibroker/core/enums.hpp"
#include "minibroker/core/ids.hpp"
#include "minibroker/core/price.hpp"

namespace minibroker {

struct instrument {
  instrument_id id;
  std::string symbol;
  std::string name;
  std::string currency;
  decimal tick_size{1, 2}; // 0.01
  quantity lot_size{1};    // an order's quantity must be a multiple of this
  price reference_price;   // in ticks
  instrument_status status = instrument_status::trading;
};

struct quote {
  instrument_id instrument;
  price bid;
  quantity bid_size;
  price ask;
  quantity ask_size;
  price last;
  timestamp time;
  sequence_number sequence = 0;
};

struct new_order_request {
  institution_id institution;
  client_order_id id;
  instrument_id instrument;
  minibroker::side side = side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::gtc;
  std::optional<price> limit_price; // required for limit orders, absent for market orders
  quantity qty;
};

// Cancels the order the institution sent with this client order id.
struct cancel_request {
  institution_id institution;
  client_order_id id;
  instrument_id instrument;
};

// Amends a resting order: a new price, a new open quantity, or both.
struct replace_request {
  institution_id institution;
  client_order_id id;
  instrument_id instrument;
  std::optional<price> new_price;
  std::optional<quantity> new_open_qty;
};

// What happened to one order, for the institution that owns it.
struct execution_report {
  sequence_number sequence = 0; // per instrument
  timestamp time;
  instrument_id instrument;
  order_id order; // zero when the order was rejected before it got one
  institution_id institution;
  client_order_id client_id;
  exec_type type = exec_type::new_order;
  order_status status = order_status::new_order;
  minibroker::side side = side::buy;
  order_type ord_type = order_type::limit;
  time_in_force tif = time_in_force::gtc;
  price order_price;  // the limit price (zero for market orders)
  quantity order_qty; // cum_qty + open_qty while the order lives
  price last_price;   // trade reports only
  quantity last_qty;  // trade reports only
  quantity cum_qty;
  quantity open_qty;
  trade_id trade; // trade reports only
  reject_reason reason = reject_reason::none;
};

struct trade_party {
  order_id order;
  institution_id institution;
  client_order_id client_id;
};

struct trade {
  sequence_number sequence = 0; // per instrument
  timestamp time;
  trade_id id;
  instrument_id instrument;
  price px; // the resting order's price
  quantity qty;
  side aggressor = side::buy;
  trade_party buy;
  trade_party sell;
};

} // namespace minibroker

template <>
struct fmt::formatter<minibroker::instrument> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const minibroker::instrument& i, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "instrument{{id={} symbol={} name=\"{}\" ccy={} tick={} lot={} ref={} {}}}", i.id,
                          i.symbol, i.name, i.currency, i.tick_size, i.lot_size, i.reference_price, i.status);
  }
};

template <>
struct fmt::formatter<minibroker::quote> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const minibroker::quote& q, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "quote{{instrument={} bid={}x{} ask={}x{} last={} seq={} t={}}}", q.instrument,
                          q.bid, q.bid_size, q.ask, q.ask_size, q.last, q.sequence, q.time.time_since_epoch().count());
  }
};

template <>
struct fmt::formatter<minibroker::new_order_request> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const minibroker::new_order_request& r, fmt::format_context& ctx) const {
    auto out = fmt::format_to(ctx.out(), "new{{inst={} id={} instrument={} {} {} {} qty={}", r.institution, r.id,
                              r.instrument, r.side, r.type, r.tif, r.qty);
    if (r.limit_price) {
      out = fmt::format_to(out, " px={}", *r.limit_price);
    }
    return fmt::format_to(out, "}}");
  }
};

template <>
struct fmt::formatter<minibroker::cancel_request> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const minibroker::cancel_request& r, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "cancel{{inst={} id={} instrument={}}}", r.institution, r.id, r.instrument);
  }
};

template <>
struct fmt::formatter<minibroker::replace_request> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const minibroker::replace_request& r, fmt::format_context& ctx) const {
    auto out = fmt::format_to(ctx.out(), "replace{{inst={} id={} instrument={}", r.institution, r.id, r.instrument);
    if (r.new_price) {
      out = fmt::format_to(out, " px={}", *r.new_price);
    }
    if (r.new_open_qty) {
      out = fmt::format_to(out, " qty={}", *r.new_open_qty);
    }
    return fmt::format_to(out, "}}");
  }
};

template <>
struct fmt::formatter<minibroker::execution_report> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const minibroker::execution_report& e, fmt::format_context& ctx) const {
    auto out = fmt::format_to(ctx.out(),
                              "exec{{seq={} instrument={} order={} inst={} id={} {} {} {} px={} qty={} cum={} open={}",
                              e.sequence, e.instrument, e.order, e.institution, e.client_id, e.type, e.status, e.side,
                              e.order_price, e.order_qty, e.cum_qty, e.open_qty);
    if (e.type == minibroker::exec_type::trade) {
      out = fmt::format_to(out, " last={}x{} trade={}", e.last_price, e.last_qty, e.trade);
    }
    if (e.reason != minibroker::reject_reason::none) {
      out = fmt::format_to(out, " reason={}", e.reason);
    }
    return fmt::format_to(out, "}}");
  }
};

template <>
struct fmt::formatter<minibroker::trade> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const minibroker::trade& t, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(),
                          "trade{{seq={} id={} instrument={} {}x{} aggressor={} buy={}/{}/{} sell={}/{}/{}}}",
                          t.sequence, t.id, t.instrument, t.qty, t.px, t.aggressor, t.buy.institution, t.buy.client_id,
                          t.buy.order, t.sell.institution, t.sell.client_id, t.sell.order);
  }
};
