#include "minibroker/replay/event_json.hpp"

#include <iterator>

namespace minibroker::replay {
namespace {

decimal tick_of(const order_file_names& names, instrument_id id) {
  const auto* inst = names.instruments.find(id);
  return inst != nullptr ? inst->tick_size : decimal{1, 2};
}

std::string_view symbol_of(const order_file_names& names, instrument_id id) {
  const auto* inst = names.instruments.find(id);
  return inst != nullptr ? std::string_view{inst->symbol} : std::string_view{};
}

void append_price(fmt::memory_buffer& out, price p, decimal tick) {
  out.push_back('"');
  format_price_to(out, p, tick);
  out.push_back('"');
}

} // namespace

void append_json_string(fmt::memory_buffer& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
    case '"': out.append(std::string_view{"\\\""}); break;
    case '\\': out.append(std::string_view{"\\\\"}); break;
    case '\n': out.append(std::string_view{"\\n"}); break;
    case '\r': out.append(std::string_view{"\\r"}); break;
    case '\t': out.append(std::string_view{"\\t"}); break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
      } else {
        out.push_back(c);
      }
    }
  }
  out.push_back('"');
}

void append_trade_json(fmt::memory_buffer& out, const trade& t, const order_file_names& names) {
  const auto it = std::back_inserter(out);
  fmt::format_to(it, R"({{"event":"trade","seq":{},"symbol":")", t.sequence);
  out.append(symbol_of(names, t.instrument));
  out.append(std::string_view{R"(","price":)"});
  append_price(out, t.px, tick_of(names, t.instrument));
  fmt::format_to(it, R"(,"qty":{},"buy_institution":"{}","buy_id":"{}","sell_institution":"{}","sell_id":"{}",)", t.qty,
                 names.institutions.name(t.buy.institution), names.client_ids.name(t.buy.client_id),
                 names.institutions.name(t.sell.institution), names.client_ids.name(t.sell.client_id));
  fmt::format_to(it, R"("aggressor":"{}","trade_id":{}}})", t.aggressor, t.id);
  out.push_back('\n');
}

void append_report_json(fmt::memory_buffer& out, const execution_report& r, const order_file_names& names) {
  const auto it = std::back_inserter(out);
  const auto tick = tick_of(names, r.instrument);
  fmt::format_to(it, R"({{"event":"report","seq":{},"symbol":"{}","institution":"{}","id":"{}","order_id":{},)",
                 r.sequence, symbol_of(names, r.instrument), names.institutions.name(r.institution),
                 names.client_ids.name(r.client_id), r.order);
  fmt::format_to(it, R"("exec":"{}","status":"{}","side":"{}","type":"{}","tif":"{}",)", r.type, r.status, r.side,
                 r.ord_type, r.tif);
  if (r.ord_type == order_type::limit && r.order_price.value() != 0) {
    out.append(std::string_view{R"("price":)"});
    append_price(out, r.order_price, tick);
    out.push_back(',');
  }
  fmt::format_to(it, R"("qty":{},"cum_qty":{},"open_qty":{})", r.order_qty, r.cum_qty, r.open_qty);
  if (r.type == exec_type::trade) {
    out.append(std::string_view{R"(,"last_price":)"});
    append_price(out, r.last_price, tick);
    fmt::format_to(it, R"(,"last_qty":{},"trade_id":{})", r.last_qty, r.trade);
  }
  if (r.reason != reject_reason::none) {
    fmt::format_to(it, R"(,"reason":"{}")", r.reason);
  }
  out.append(std::string_view{"}\n"});
}

void append_top_of_book_json(fmt::memory_buffer& out, const top_of_book& top, const order_file_names& names) {
  const auto it = std::back_inserter(out);
  const auto tick = tick_of(names, top.instrument);
  fmt::format_to(it, R"({{"event":"top","seq":{},"symbol":"{}")", top.sequence, symbol_of(names, top.instrument));
  if (top.has_bid()) {
    out.append(std::string_view{R"(,"bid":)"});
    append_price(out, top.bid, tick);
    fmt::format_to(it, R"(,"bid_qty":{})", top.bid_qty);
  }
  if (top.has_ask()) {
    out.append(std::string_view{R"(,"ask":)"});
    append_price(out, top.ask, tick);
    fmt::format_to(it, R"(,"ask_qty":{})", top.ask_qty);
  }
  out.append(std::string_view{"}\n"});
}

void append_depth_json(fmt::memory_buffer& out, const depth_update& update, const order_file_names& names) {
  const auto it = std::back_inserter(out);
  fmt::format_to(it, R"({{"event":"depth","seq":{},"symbol":"{}","side":"{}","price":)", update.sequence,
                 symbol_of(names, update.instrument), update.side);
  append_price(out, update.px, tick_of(names, update.instrument));
  fmt::format_to(it, R"(,"qty":{},"orders":{}}})", update.qty, update.orders);
  out.push_back('\n');
}

void append_error_json(fmt::memory_buffer& out, std::size_t line, std::string_view message) {
  fmt::format_to(std::back_inserter(out), R"({{"event":"error","line":{},"message":)", line);
  append_json_string(out, message);
  out.append(std::string_view{"}\n"});
}

} // namespace minibroker::replay
