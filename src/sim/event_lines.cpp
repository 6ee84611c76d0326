#include "minibroker/sim/event_lines.hpp"

#include <iterator>

namespace minibroker {
namespace {

void price_field(fmt::memory_buffer& out, std::string_view name, price p, decimal tick) {
  fmt::format_to(std::back_inserter(out), R"(,"{}":")", name);
  format_price_to(out, p, tick);
  out.push_back('"');
}

void head(fmt::memory_buffer& out, timestamp t, std::string_view event) {
  fmt::format_to(std::back_inserter(out), R"({{"t":{},"event":"{}")", t.time_since_epoch().count(), event);
}

} // namespace

void append_request_line(fmt::memory_buffer& out, timestamp t, const order_request& request, decimal tick) {
  head(out, t, "request");
  const auto it = std::back_inserter(out);
  std::visit(
      [&](const auto& r) {
        using request_type = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<request_type, new_order_request>) {
          fmt::format_to(
              it, R"(,"action":"new","institution":{},"id":{},"instrument":{},"side":"{}","type":"{}","tif":"{}")",
              r.institution, r.id, r.instrument, r.side, r.type, r.tif);
          if (r.limit_price) {
            price_field(out, "price", *r.limit_price, tick);
          }
          fmt::format_to(it, R"(,"qty":{})", r.qty);
        } else if constexpr (std::is_same_v<request_type, cancel_request>) {
          fmt::format_to(it, R"(,"action":"cancel","institution":{},"id":{},"instrument":{})", r.institution, r.id,
                         r.instrument);
        } else {
          fmt::format_to(it, R"(,"action":"replace","institution":{},"id":{},"instrument":{})", r.institution, r.id,
                         r.instrument);
          if (r.new_price) {
            price_field(out, "price", *r.new_price, tick);
          }
          if (r.new_open_qty) {
            fmt::format_to(it, R"(,"qty":{})", *r.new_open_qty);
          }
        }
      },
      request);
  out.push_back('}');
}

void append_report_line(fmt::memory_buffer& out, timestamp t, const execution_report& r, decimal tick) {
  head(out, t, "report");
  const auto it = std::back_inserter(out);
  fmt::format_to(
      it, R"(,"institution":{},"id":{},"order_id":{},"instrument":{},"seq":{},"exec":"{}","status":"{}","side":"{}")",
      r.institution, r.client_id, r.order, r.instrument, r.sequence, r.type, r.status, r.side);
  if (r.ord_type == order_type::limit && r.order_price.value() != 0) {
    price_field(out, "price", r.order_price, tick);
  }
  fmt::format_to(it, R"(,"qty":{},"cum_qty":{},"open_qty":{})", r.order_qty, r.cum_qty, r.open_qty);
  if (r.type == exec_type::trade) {
    price_field(out, "last_price", r.last_price, tick);
    fmt::format_to(it, R"(,"last_qty":{},"trade_id":{})", r.last_qty, r.trade);
  }
  if (r.reason != reject_reason::none) {
    fmt::format_to(it, R"(,"reason":"{}")", r.reason);
  }
  out.push_back('}');
}

void append_quote_line(fmt::memory_buffer& out, timestamp t, const quote& q, decimal tick) {
  head(out, t, "quote");
  fmt::format_to(std::back_inserter(out), R"(,"instrument":{},"seq":{})", q.instrument, q.sequence);
  price_field(out, "bid", q.bid, tick);
  fmt::format_to(std::back_inserter(out), R"(,"bid_qty":{})", q.bid_size);
  price_field(out, "ask", q.ask, tick);
  fmt::format_to(std::back_inserter(out), R"(,"ask_qty":{})", q.ask_size);
  price_field(out, "last", q.last, tick);
  out.push_back('}');
}

void append_instrument_line(fmt::memory_buffer& out, timestamp t, const instrument& i) {
  head(out, t, "instrument");
  fmt::format_to(std::back_inserter(out), R"(,"instrument":{},"symbol":"{}","status":"{}","tick":"{}","lot":{})", i.id,
                 i.symbol, i.status, i.tick_size, i.lot_size);
  price_field(out, "reference_price", i.reference_price, i.tick_size);
  out.push_back('}');
}

} // namespace minibroker
