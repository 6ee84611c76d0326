#include "minibroker/ws/encode.hpp"

#include <fmt/format.h>

#include "encode_to.hpp"
#include "minibroker/replay/event_json.hpp"

namespace minibroker::ws {
namespace {

using replay::append_json_string;

void append(fmt::memory_buffer& out, std::string_view text) { out.append(text); }

void append_price(fmt::memory_buffer& out, price p, decimal tick) {
  out.push_back('"');
  format_price_to(out, p, tick);
  out.push_back('"');
}

// Integers and names appended directly: a format string is interpreted on every call, which was
// most of the cost of an execution report (BENCHMARKS.md, WebSocket, fourth session).
template <typename Integer>
void append_int(fmt::memory_buffer& out, Integer n) {
  const fmt::format_int digits(n);
  out.append(digits.data(), digits.data() + digits.size());
}

// "name": an enum's name, which never needs escaping.
void append_name(fmt::memory_buffer& out, std::string_view name) {
  out.push_back('"');
  out.append(name);
  out.push_back('"');
}

std::string done(const fmt::memory_buffer& out) { return fmt::to_string(out); }

} // namespace

std::string_view describe(reject_reason r) noexcept {
  switch (r) {
  case reject_reason::none: return "accepted";
  case reject_reason::unknown_instrument: return "no instrument has this symbol";
  case reject_reason::instrument_halted: return "the instrument is halted";
  case reject_reason::invalid_quantity: return "the quantity must be positive";
  case reject_reason::quantity_not_lot_multiple: return "the quantity is not a whole number of lots";
  case reject_reason::invalid_price: return "the price is missing, not a decimal, or not positive";
  case reject_reason::price_not_on_tick: return "the price is not a multiple of the tick size";
  case reject_reason::price_on_market_order: return "a market order must not carry a price";
  case reject_reason::unknown_order: return "no live order has this client order id";
  case reject_reason::duplicate_client_order_id: return "this client order id was used before";
  case reject_reason::nothing_to_replace: return "a replace needs a price, a quantity or both";
  case reject_reason::self_trade: return "self-trade prevention cancelled the order";
  case reject_reason::unknown_institution: return "the institution is not a member";
  case reject_reason::malformed_request: return "the request could not be understood";
  case reject_reason::queue_full: return "the exchange is overloaded; try again";
  }
  return "rejected";
}

std::string encode_instrument(const instrument& i) {
  fmt::memory_buffer out;
  append(out, R"({"type":"instrument","id":)");
  append_int(out, i.id.value());
  append(out, R"(,"symbol":)");
  append_json_string(out, i.symbol);
  append(out, R"(,"name":)");
  append_json_string(out, i.name);
  append(out, R"(,"currency":)");
  append_json_string(out, i.currency);
  append(out, R"(,"tick_size":)");
  append_name(out, i.tick_size.to_string());
  append(out, R"(,"lot_size":)");
  append_int(out, i.lot_size.value());
  append(out, R"(,"reference_price":)");
  append_price(out, i.reference_price, i.tick_size);
  append(out, R"(,"status":)");
  append_name(out, to_string(i.status));
  out.push_back('}');
  return done(out);
}

std::string encode_quote(const quote& q, const instrument& i) {
  fmt::memory_buffer out;
  detail::encode_quote_to(out, q, i);
  return done(out);
}

void detail::encode_quote_to(fmt::memory_buffer& out, const quote& q, const instrument& i) {
  append(out, R"({"type":"quote","symbol":)");
  append_json_string(out, i.symbol);
  append(out, R"(,"seq":)");
  append_int(out, q.sequence);
  append(out, R"(,"bid":)");
  append_price(out, q.bid, i.tick_size);
  append(out, R"(,"bid_size":)");
  append_int(out, q.bid_size.value());
  append(out, R"(,"ask":)");
  append_price(out, q.ask, i.tick_size);
  append(out, R"(,"ask_size":)");
  append_int(out, q.ask_size.value());
  append(out, R"(,"last":)");
  append_price(out, q.last, i.tick_size);
  append(out, R"(,"time":)");
  append_int(out, q.time.time_since_epoch().count());
  out.push_back('}');
}

std::string encode_snapshot_end(std::size_t count) {
  fmt::memory_buffer out;
  append(out, R"({"type":"snapshot_end","count":)");
  append_int(out, count);
  out.push_back('}');
  return done(out);
}

std::string encode_ack(request_kind kind, const execution_report& report, const instrument& i) {
  fmt::memory_buffer out;
  detail::encode_ack_to(out, kind, report, i);
  return done(out);
}

void detail::encode_ack_to(fmt::memory_buffer& out, request_kind kind, const execution_report& report,
                           const instrument& i) {
  append(out, R"({"type":"ack","request":)");
  append_name(out, to_string(kind));
  append(out, R"(,"id":)");
  append_int(out, report.client_id.value());
  append(out, R"(,"symbol":)");
  append_json_string(out, i.symbol);
  append(out, R"(,"order_id":)");
  append_int(out, report.order.value());
  append(out, R"(,"status":)");
  append_name(out, to_string(report.status));
  append(out, R"(,"cum_qty":)");
  append_int(out, report.cum_qty.value());
  append(out, R"(,"open_qty":)");
  append_int(out, report.open_qty.value());
  out.push_back('}');
}

std::string encode_reject(request_kind kind, client_order_id id, std::string_view symbol, reject_reason reason,
                          std::string_view text) {
  fmt::memory_buffer out;
  append(out, R"({"type":"reject","request":)");
  append_name(out, to_string(kind));
  append(out, R"(,"id":)");
  append_int(out, id.value());
  append(out, R"(,"symbol":)");
  append_json_string(out, symbol);
  append(out, R"(,"reason":)");
  append_name(out, to_string(reason));
  append(out, R"(,"text":)");
  append_json_string(out, text);
  out.push_back('}');
  return done(out);
}

std::string encode_error(codec_error code, std::string_view text, std::optional<client_order_id> id) {
  fmt::memory_buffer out;
  append(out, R"({"type":"error","code":)");
  append_name(out, to_string(code));
  append(out, R"(,"text":)");
  append_json_string(out, text);
  if (id) {
    append(out, R"(,"id":)");
    append_int(out, id->value());
  }
  out.push_back('}');
  return done(out);
}

std::string encode_report(sequence_number seq, const execution_report& r, const instrument& i) {
  fmt::memory_buffer out;
  detail::encode_report_to(out, seq, r, i);
  return done(out);
}

void detail::encode_report_to(fmt::memory_buffer& out, sequence_number seq, const execution_report& r,
                              const instrument& i) {
  append(out, R"({"type":"report","seq":)");
  append_int(out, seq);
  append(out, R"(,"symbol":)");
  append_json_string(out, i.symbol);
  append(out, R"(,"id":)");
  append_int(out, r.client_id.value());
  append(out, R"(,"order_id":)");
  append_int(out, r.order.value());
  append(out, R"(,"exec":)");
  append_name(out, to_string(r.type));
  append(out, R"(,"status":)");
  append_name(out, to_string(r.status));
  append(out, R"(,"side":)");
  append_name(out, to_string(r.side));
  append(out, R"(,"order_type":)");
  append_name(out, to_string(r.ord_type));
  append(out, R"(,"tif":)");
  append_name(out, to_string(r.tif));
  if (r.ord_type == order_type::limit && r.order_price.value() != 0) {
    append(out, R"(,"price":)");
    append_price(out, r.order_price, i.tick_size);
  }
  append(out, R"(,"qty":)");
  append_int(out, r.order_qty.value());
  append(out, R"(,"cum_qty":)");
  append_int(out, r.cum_qty.value());
  append(out, R"(,"open_qty":)");
  append_int(out, r.open_qty.value());
  if (r.type == exec_type::trade) {
    append(out, R"(,"last_price":)");
    append_price(out, r.last_price, i.tick_size);
    append(out, R"(,"last_qty":)");
    append_int(out, r.last_qty.value());
    append(out, R"(,"trade_id":)");
    append_int(out, r.trade.value());
  }
  if (r.reason != reject_reason::none) {
    append(out, R"(,"reason":)");
    append_name(out, to_string(r.reason));
    append(out, R"(,"text":)");
    append_json_string(out, describe(r.reason));
  }
  append(out, R"(,"time":)");
  append_int(out, r.time.time_since_epoch().count());
  out.push_back('}');
}

std::string encode_request(const order_request& r, const instrument& i, std::optional<std::uint64_t> req) {
  fmt::memory_buffer out;
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, new_order_request>) {
          append(out, R"({"type":"new","id":)");
          append_int(out, x.id.value());
          append(out, R"(,"symbol":)");
          append_json_string(out, i.symbol);
          append(out, R"(,"side":)");
          append_name(out, to_string(x.side));
          append(out, R"(,"order_type":)");
          append_name(out, to_string(x.type));
          append(out, R"(,"tif":)");
          append_name(out, to_string(x.tif));
          if (x.limit_price) {
            append(out, R"(,"price":)");
            append_price(out, *x.limit_price, i.tick_size);
          }
          append(out, R"(,"qty":)");
          append_int(out, x.qty.value());
        } else if constexpr (std::is_same_v<T, cancel_request>) {
          append(out, R"({"type":"cancel","id":)");
          append_int(out, x.id.value());
          append(out, R"(,"symbol":)");
          append_json_string(out, i.symbol);
        } else {
          append(out, R"({"type":"replace","id":)");
          append_int(out, x.id.value());
          append(out, R"(,"symbol":)");
          append_json_string(out, i.symbol);
          if (x.new_price) {
            append(out, R"(,"price":)");
            append_price(out, *x.new_price, i.tick_size);
          }
          if (x.new_open_qty) {
            append(out, R"(,"qty":)");
            append_int(out, x.new_open_qty->value());
          }
        }
      },
      r);
  if (req) {
    append(out, R"(,"req":)");
    append_int(out, *req);
  }
  out.push_back('}');
  return done(out);
}

} // namespace minibroker::ws
