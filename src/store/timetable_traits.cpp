#include "minibroker/store/timetable_traits.hpp"

#include <iterator>

#include "minibroker/core/assert.hpp"

namespace minibroker {

namespace {

void put(fmt::memory_buffer& out, std::string_view text) { out.append(text); }

template <typename T>
void put_num(fmt::memory_buffer& out, const T& value) {
  fmt::format_to(std::back_inserter(out), "{}", value);
}

void put_time(fmt::memory_buffer& out, timestamp t) { put_num(out, t.time_since_epoch().count()); }

void put_price(fmt::memory_buffer& out, price p, decimal tick) { format_price_to(out, p, tick); }

decimal tick_of(const tick_size_lookup& ticks, instrument_id id) {
  MINIBROKER_ASSERT(ticks); // quotes, reports and trades need the instruments' tick sizes
  return ticks(id);
}

} // namespace

void write_csv_field(fmt::memory_buffer& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') {
      out.push_back('"');
    }
    out.push_back(c);
  }
  out.push_back('"');
}

void timetable_traits<quote>::write_csv_header(fmt::memory_buffer& out) {
  put(out, "time,instrument,bid,bid_size,ask,ask_size,last,sequence");
}

void timetable_traits<quote>::write_csv_row(fmt::memory_buffer& out, timestamp t, const quote& q,
                                            const tick_size_lookup& ticks) {
  const decimal tick = tick_of(ticks, q.instrument);
  put_time(out, t);
  out.push_back(',');
  put_num(out, q.instrument);
  out.push_back(',');
  put_price(out, q.bid, tick);
  out.push_back(',');
  put_num(out, q.bid_size);
  out.push_back(',');
  put_price(out, q.ask, tick);
  out.push_back(',');
  put_num(out, q.ask_size);
  out.push_back(',');
  put_price(out, q.last, tick);
  out.push_back(',');
  put_num(out, q.sequence);
}

void timetable_traits<instrument>::write_csv_header(fmt::memory_buffer& out) {
  put(out, "time,id,symbol,name,currency,tick_size,lot_size,reference_price,status");
}

void timetable_traits<instrument>::write_csv_row(fmt::memory_buffer& out, timestamp t, const instrument& i,
                                                 const tick_size_lookup& /*ticks: the instrument has its own*/) {
  put_time(out, t);
  out.push_back(',');
  put_num(out, i.id);
  out.push_back(',');
  write_csv_field(out, i.symbol);
  out.push_back(',');
  write_csv_field(out, i.name);
  out.push_back(',');
  write_csv_field(out, i.currency);
  out.push_back(',');
  put(out, i.tick_size.to_string());
  out.push_back(',');
  put_num(out, i.lot_size);
  out.push_back(',');
  put_price(out, i.reference_price, i.tick_size);
  out.push_back(',');
  put(out, to_string(i.status));
}

void timetable_traits<execution_report>::write_csv_header(fmt::memory_buffer& out) {
  put(out, "time,sequence,instrument,order_id,institution,client_order_id,exec_type,status,side,order_type,tif,"
           "order_price,order_qty,last_price,last_qty,cum_qty,open_qty,trade_id,reason");
}

void timetable_traits<execution_report>::write_csv_row(fmt::memory_buffer& out, timestamp t, const execution_report& e,
                                                       const tick_size_lookup& ticks) {
  const decimal tick = tick_of(ticks, e.instrument);
  const bool is_trade = e.type == exec_type::trade;
  put_time(out, t);
  out.push_back(',');
  put_num(out, e.sequence);
  out.push_back(',');
  put_num(out, e.instrument);
  out.push_back(',');
  put_num(out, e.order);
  out.push_back(',');
  put_num(out, e.institution);
  out.push_back(',');
  put_num(out, e.client_id);
  out.push_back(',');
  put(out, to_string(e.type));
  out.push_back(',');
  put(out, to_string(e.status));
  out.push_back(',');
  put(out, to_string(e.side));
  out.push_back(',');
  put(out, to_string(e.ord_type));
  out.push_back(',');
  put(out, to_string(e.tif));
  out.push_back(',');
  if (e.ord_type == order_type::limit) {
    put_price(out, e.order_price, tick);
  }
  out.push_back(',');
  put_num(out, e.order_qty);
  out.push_back(',');
  if (is_trade) {
    put_price(out, e.last_price, tick);
  }
  out.push_back(',');
  if (is_trade) {
    put_num(out, e.last_qty);
  }
  out.push_back(',');
  put_num(out, e.cum_qty);
  out.push_back(',');
  put_num(out, e.open_qty);
  out.push_back(',');
  if (is_trade) {
    put_num(out, e.trade);
  }
  out.push_back(',');
  if (e.reason != reject_reason::none) {
    put(out, to_string(e.reason));
  }
}

void timetable_traits<trade>::write_csv_header(fmt::memory_buffer& out) {
  put(out, "time,sequence,trade_id,instrument,price,qty,aggressor,buy_order_id,buy_institution,buy_client_order_id,"
           "sell_order_id,sell_institution,sell_client_order_id");
}

void timetable_traits<trade>::write_csv_row(fmt::memory_buffer& out, timestamp t, const trade& tr,
                                            const tick_size_lookup& ticks) {
  const decimal tick = tick_of(ticks, tr.instrument);
  put_time(out, t);
  out.push_back(',');
  put_num(out, tr.sequence);
  out.push_back(',');
  put_num(out, tr.id);
  out.push_back(',');
  put_num(out, tr.instrument);
  out.push_back(',');
  put_price(out, tr.px, tick);
  out.push_back(',');
  put_num(out, tr.qty);
  out.push_back(',');
  put(out, to_string(tr.aggressor));
  out.push_back(',');
  put_num(out, tr.buy.order);
  out.push_back(',');
  put_num(out, tr.buy.institution);
  out.push_back(',');
  put_num(out, tr.buy.client_id);
  out.push_back(',');
  put_num(out, tr.sell.order);
  out.push_back(',');
  put_num(out, tr.sell.institution);
  out.push_back(',');
  put_num(out, tr.sell.client_id);
}

} // namespace minibroker
