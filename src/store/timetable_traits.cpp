#include "minibroker/store/timetable_traits.hpp"

#include <iterator>

#include "minibroker/core/assert.hpp"

namespace minibroker {

namespace {

// One CSV row, field by field: every field but the first is preceded by a comma, and a field
// given `false` for `present` is left empty.
class csv_row {
public:
  explicit csv_row(fmt::memory_buffer& out) : out_(out) {}

  csv_row& time(timestamp t) { return number(t.time_since_epoch().count()); }
  template <typename T>
  csv_row& number(const T& value, bool present = true) {
    next_field();
    if (present) {
      fmt::format_to(std::back_inserter(out_), "{}", value);
    }
    return *this;
  }
  csv_row& px(price p, decimal tick, bool present = true) {
    next_field();
    if (present) {
      format_price_to(out_, p, tick);
    }
    return *this;
  }
  // Text the writer knows needs no quoting (enum names, decimals).
  csv_row& word(std::string_view text, bool present = true) {
    next_field();
    if (present) {
      out_.append(text);
    }
    return *this;
  }
  // Text from outside (symbols, names), quoted when it holds a comma, a quote or a line break.
  csv_row& text(std::string_view text) {
    next_field();
    write_csv_field(out_, text);
    return *this;
  }

private:
  void next_field() {
    if (!first_) {
      out_.push_back(',');
    }
    first_ = false;
  }

  fmt::memory_buffer& out_;
  bool first_ = true;
};

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
  out.append(std::string_view{"time,instrument,bid,bid_size,ask,ask_size,last,sequence"});
}

void timetable_traits<quote>::write_csv_row(fmt::memory_buffer& out, timestamp t, const quote& q,
                                            const tick_size_lookup& ticks) {
  const decimal tick = tick_of(ticks, q.instrument);
  csv_row{out}
      .time(t)
      .number(q.instrument)
      .px(q.bid, tick)
      .number(q.bid_size)
      .px(q.ask, tick)
      .number(q.ask_size)
      .px(q.last, tick)
      .number(q.sequence);
}

void timetable_traits<instrument>::write_csv_header(fmt::memory_buffer& out) {
  out.append(std::string_view{"time,id,symbol,name,currency,tick_size,lot_size,reference_price,status"});
}

void timetable_traits<instrument>::write_csv_row(fmt::memory_buffer& out, timestamp t, const instrument& i,
                                                 const tick_size_lookup& /*ticks: the instrument has its own*/) {
  csv_row{out}
      .time(t)
      .number(i.id)
      .text(i.symbol)
      .text(i.name)
      .text(i.currency)
      .word(i.tick_size.to_string())
      .number(i.lot_size)
      .px(i.reference_price, i.tick_size)
      .word(to_string(i.status));
}

void timetable_traits<execution_report>::write_csv_header(fmt::memory_buffer& out) {
  out.append(std::string_view{"time,sequence,instrument,order_id,institution,client_order_id,exec_type,status,side,"
                              "order_type,tif,order_price,order_qty,last_price,last_qty,cum_qty,open_qty,trade_id,"
                              "reason"});
}

void timetable_traits<execution_report>::write_csv_row(fmt::memory_buffer& out, timestamp t, const execution_report& e,
                                                       const tick_size_lookup& ticks) {
  const decimal tick = tick_of(ticks, e.instrument);
  const bool is_trade = e.type == exec_type::trade;
  csv_row{out}
      .time(t)
      .number(e.sequence)
      .number(e.instrument)
      .number(e.order)
      .number(e.institution)
      .number(e.client_id)
      .word(to_string(e.type))
      .word(to_string(e.status))
      .word(to_string(e.side))
      .word(to_string(e.ord_type))
      .word(to_string(e.tif))
      .px(e.order_price, tick, e.ord_type == order_type::limit)
      .number(e.order_qty)
      .px(e.last_price, tick, is_trade)
      .number(e.last_qty, is_trade)
      .number(e.cum_qty)
      .number(e.open_qty)
      .number(e.trade, is_trade)
      .word(to_string(e.reason), e.reason != reject_reason::none);
}

void timetable_traits<trade>::write_csv_header(fmt::memory_buffer& out) {
  out.append(std::string_view{"time,sequence,trade_id,instrument,price,qty,aggressor,buy_order_id,buy_institution,"
                              "buy_client_order_id,sell_order_id,sell_institution,sell_client_order_id"});
}

void timetable_traits<trade>::write_csv_row(fmt::memory_buffer& out, timestamp t, const trade& tr,
                                            const tick_size_lookup& ticks) {
  const decimal tick = tick_of(ticks, tr.instrument);
  csv_row{out}
      .time(t)
      .number(tr.sequence)
      .number(tr.id)
      .number(tr.instrument)
      .px(tr.px, tick)
      .number(tr.qty)
      .word(to_string(tr.aggressor))
      .number(tr.buy.order)
      .number(tr.buy.institution)
      .number(tr.buy.client_id)
      .number(tr.sell.order)
      .number(tr.sell.institution)
      .number(tr.sell.client_id);
}

} // namespace minibroker
