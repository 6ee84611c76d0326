#include "minibroker/ws/encode.hpp"

#include <iterator>

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
  fmt::format_to(std::back_inserter(out), R"({{"type":"instrument","id":{},"symbol":)", i.id);
  append_json_string(out, i.symbol);
  append(out, R"(,"name":)");
  append_json_string(out, i.name);
  append(out, R"(,"currency":)");
  append_json_string(out, i.currency);
  fmt::format_to(std::back_inserter(out), R"(,"tick_size":"{}","lot_size":{},"reference_price":)", i.tick_size,
                 i.lot_size);
  append_price(out, i.reference_price, i.tick_size);
  fmt::format_to(std::back_inserter(out), R"(,"status":"{}"}})", i.status);
  return done(out);
}

std::string encode_quote(const quote& q, const instrument& i) {
  fmt::memory_buffer out;
  detail::encode_quote_to(out, q, i);
  return done(out);
}

void detail::encode_quote_to(fmt::memory_buffer& out, const quote& q, const instrument& i) {
  // The busiest message: integers appended directly, no format string to interpret.
  const auto integer = [&out](auto n) {
    const fmt::format_int digits(n);
    out.append(digits.data(), digits.data() + digits.size());
  };
  append(out, R"({"type":"quote","symbol":)");
  append_json_string(out, i.symbol);
  append(out, R"(,"seq":)");
  integer(q.sequence);
  append(out, R"(,"bid":)");
  append_price(out, q.bid, i.tick_size);
  append(out, R"(,"bid_size":)");
  integer(q.bid_size.value());
  append(out, R"(,"ask":)");
  append_price(out, q.ask, i.tick_size);
  append(out, R"(,"ask_size":)");
  integer(q.ask_size.value());
  append(out, R"(,"last":)");
  append_price(out, q.last, i.tick_size);
  append(out, R"(,"time":)");
  integer(q.time.time_since_epoch().count());
  out.push_back('}');
}

std::string encode_snapshot_end(std::size_t count) {
  return fmt::format(R"({{"type":"snapshot_end","count":{}}})", count);
}

std::string encode_ack(request_kind kind, const execution_report& report, const instrument& i) {
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), R"({{"type":"ack","request":"{}","id":{},"symbol":)", to_string(kind),
                 report.client_id);
  append_json_string(out, i.symbol);
  fmt::format_to(std::back_inserter(out), R"(,"order_id":{},"status":"{}","cum_qty":{},"open_qty":{}}})", report.order,
                 report.status, report.cum_qty, report.open_qty);
  return done(out);
}

std::string encode_reject(request_kind kind, client_order_id id, std::string_view symbol, reject_reason reason,
                          std::string_view text) {
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), R"({{"type":"reject","request":"{}","id":{},"symbol":)", to_string(kind), id);
  append_json_string(out, symbol);
  fmt::format_to(std::back_inserter(out), R"(,"reason":"{}","text":)", reason);
  append_json_string(out, text);
  out.push_back('}');
  return done(out);
}

std::string encode_error(codec_error code, std::string_view text, std::optional<client_order_id> id) {
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), R"({{"type":"error","code":"{}","text":)", to_string(code));
  append_json_string(out, text);
  if (id) {
    fmt::format_to(std::back_inserter(out), R"(,"id":{})", *id);
  }
  out.push_back('}');
  return done(out);
}

std::string encode_report(sequence_number seq, const execution_report& r, const instrument& i) {
  fmt::memory_buffer out;
  const auto it = std::back_inserter(out);
  fmt::format_to(it, R"({{"type":"report","seq":{},"symbol":)", seq);
  append_json_string(out, i.symbol);
  fmt::format_to(it, R"(,"id":{},"order_id":{},"exec":"{}","status":"{}","side":"{}","order_type":"{}","tif":"{}")",
                 r.client_id, r.order, r.type, r.status, r.side, r.ord_type, r.tif);
  if (r.ord_type == order_type::limit && r.order_price.value() != 0) {
    append(out, R"(,"price":)");
    append_price(out, r.order_price, i.tick_size);
  }
  fmt::format_to(it, R"(,"qty":{},"cum_qty":{},"open_qty":{})", r.order_qty, r.cum_qty, r.open_qty);
  if (r.type == exec_type::trade) {
    append(out, R"(,"last_price":)");
    append_price(out, r.last_price, i.tick_size);
    fmt::format_to(it, R"(,"last_qty":{},"trade_id":{})", r.last_qty, r.trade);
  }
  if (r.reason != reject_reason::none) {
    fmt::format_to(it, R"(,"reason":"{}","text":)", r.reason);
    append_json_string(out, describe(r.reason));
  }
  fmt::format_to(it, R"(,"time":{}}})", r.time.time_since_epoch().count());
  return done(out);
}

std::string encode_request(const order_request& r, const instrument& i, std::optional<std::uint64_t> req) {
  fmt::memory_buffer out;
  const auto it = std::back_inserter(out);
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, new_order_request>) {
          fmt::format_to(it, R"({{"type":"new","id":{},"symbol":)", x.id);
          append_json_string(out, i.symbol);
          fmt::format_to(it, R"(,"side":"{}","order_type":"{}","tif":"{}")", x.side, x.type, x.tif);
          if (x.limit_price) {
            append(out, R"(,"price":)");
            append_price(out, *x.limit_price, i.tick_size);
          }
          fmt::format_to(it, R"(,"qty":{}}})", x.qty);
        } else if constexpr (std::is_same_v<T, cancel_request>) {
          fmt::format_to(it, R"({{"type":"cancel","id":{},"symbol":)", x.id);
          append_json_string(out, i.symbol);
          out.push_back('}');
        } else {
          fmt::format_to(it, R"({{"type":"replace","id":{},"symbol":)", x.id);
          append_json_string(out, i.symbol);
          if (x.new_price) {
            append(out, R"(,"price":)");
            append_price(out, *x.new_price, i.tick_size);
          }
          if (x.new_open_qty) {
            fmt::format_to(it, R"(,"qty":{})", *x.new_open_qty);
          }
          out.push_back('}');
        }
      },
      r);
  if (req) {
    out.resize(out.size() - 1); // the closing brace
    fmt::format_to(it, R"(,"req":{}}})", *req);
  }
  return done(out);
}

} // namespace minibroker::ws
