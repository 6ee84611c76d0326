#include <catch2/catch.hpp>

#include "minibroker/store/timetable.hpp"

using namespace minibroker;
using namespace std::chrono_literals;

namespace {

timestamp at(std::chrono::nanoseconds ns) { return timestamp{ns}; }

instruments_cache two_instruments() {
  instruments_cache cache;
  cache.upsert(instrument_id{1}, instrument{instrument_id{1}, "ACME", "Acme Corp", "USD", decimal{1, 2}});
  cache.upsert(instrument_id{2}, instrument{instrument_id{2}, "BETA", "Beta", "EUR", decimal{5, 1}});
  return cache;
}

} // namespace

TEST_CASE("timetable csv: quotes print prices with their instrument's tick size", "[timetable][csv]") {
  const instruments_cache instruments = two_instruments();
  quotes_timetable table;
  table.append(
      quote{instrument_id{1}, price{10025}, quantity{5}, price{10030}, quantity{7}, price{10000}, at(1000ns), 1});
  table.append(quote{instrument_id{2}, price{3}, quantity{1}, price{4}, quantity{2}, price{-2}, at(2000ns), 9});
  table.append(quote{instrument_id{3}, price{12}, quantity{1}, price{13}, quantity{1}, price{12}, at(3000ns), 1});

  CHECK(table.to_csv(tick_sizes_from(instruments, decimal{1, 0})) ==
        "time,instrument,bid,bid_size,ask,ask_size,last,sequence\n"
        "1000,1,100.25,5,100.30,7,100.00,1\n"
        "2000,2,1.5,1,2.0,2,-1.0,9\n"
        "3000,3,12,1,13,1,12,1\n"); // unknown instrument: the fallback tick
}

TEST_CASE("timetable csv: an empty table prints only the header", "[timetable][csv]") {
  quotes_timetable table;
  CHECK(table.to_csv(fixed_tick_size(decimal{1, 2})) == "time,instrument,bid,bid_size,ask,ask_size,last,sequence\n");
}

TEST_CASE("timetable csv: instruments use their own tick size and quote text fields", "[timetable][csv]") {
  instruments_timetable table;
  table.append(at(5ns), instrument{instrument_id{1}, "ACME", "Acme, \"the\" Corp", "USD", decimal{5, 2}, quantity{100},
                                   price{2000}});
  table.append(at(6ns), instrument{instrument_id{2}, "BETA", "Beta", "EUR", decimal{1, 0}, quantity{1}, price{42},
                                   instrument_status::halted});
  CHECK(table.to_csv({}) == "time,id,symbol,name,currency,tick_size,lot_size,reference_price,status\n"
                            "5,1,ACME,\"Acme, \"\"the\"\" Corp\",USD,0.05,100,100.00,trading\n"
                            "6,2,BETA,Beta,EUR,1,1,42,halted\n");
}

TEST_CASE("timetable csv: execution reports leave inapplicable columns empty", "[timetable][csv]") {
  orders_timetable table;
  execution_report ack{};
  ack.sequence = 1;
  ack.time = at(100ns);
  ack.instrument = instrument_id{1};
  ack.order = order_id{11};
  ack.institution = institution_id{3};
  ack.client_id = client_order_id{7};
  ack.type = exec_type::new_order;
  ack.status = order_status::new_order;
  ack.side = side::buy;
  ack.order_price = price{10025};
  ack.order_qty = quantity{10};
  ack.open_qty = quantity{10};
  table.append(ack);

  execution_report fill = ack;
  fill.sequence = 2;
  fill.time = at(200ns);
  fill.type = exec_type::trade;
  fill.status = order_status::partially_filled;
  fill.last_price = price{10020};
  fill.last_qty = quantity{4};
  fill.cum_qty = quantity{4};
  fill.open_qty = quantity{6};
  fill.trade = trade_id{5};
  table.append(fill);

  execution_report reject{};
  reject.sequence = 3;
  reject.time = at(300ns);
  reject.instrument = instrument_id{1};
  reject.institution = institution_id{3};
  reject.client_id = client_order_id{8};
  reject.type = exec_type::rejected;
  reject.status = order_status::rejected;
  reject.side = side::sell;
  reject.ord_type = order_type::market;
  reject.tif = time_in_force::ioc;
  reject.order_qty = quantity{0};
  reject.reason = reject_reason::invalid_quantity;
  table.append(reject);

  CHECK(table.to_csv(fixed_tick_size(decimal{1, 2})) ==
        "time,sequence,instrument,order_id,institution,client_order_id,exec_type,status,side,order_type,tif,"
        "order_price,order_qty,last_price,last_qty,cum_qty,open_qty,trade_id,reason\n"
        "100,1,1,11,3,7,new,new,buy,limit,gtc,100.25,10,,,0,10,,\n"
        "200,2,1,11,3,7,trade,partially_filled,buy,limit,gtc,100.25,10,100.20,4,4,6,5,\n"
        "300,3,1,0,3,8,rejected,rejected,sell,market,ioc,,0,,,0,0,,invalid_quantity\n");
}

TEST_CASE("timetable csv: trades print both parties", "[timetable][csv]") {
  trades_timetable table;
  trade t{};
  t.sequence = 4;
  t.time = at(50ns);
  t.id = trade_id{9};
  t.instrument = instrument_id{2};
  t.px = price{21};
  t.qty = quantity{3};
  t.aggressor = side::sell;
  t.buy = trade_party{order_id{1}, institution_id{10}, client_order_id{100}};
  t.sell = trade_party{order_id{2}, institution_id{20}, client_order_id{200}};
  table.append(t);

  const instruments_cache instruments = two_instruments();
  CHECK(table.to_csv(tick_sizes_from(instruments)) ==
        "time,sequence,trade_id,instrument,price,qty,aggressor,buy_order_id,buy_institution,buy_client_order_id,"
        "sell_order_id,sell_institution,sell_client_order_id\n"
        "50,4,9,2,10.5,3,sell,1,10,100,2,20,200\n");
}

TEST_CASE("timetable csv: a range exports only its rows", "[timetable][csv]") {
  quotes_timetable table;
  for (int i = 1; i <= 4; ++i) {
    table.append(quote{instrument_id{1}, price{i}, quantity{1}, price{i + 1}, quantity{1}, price{i},
                       at(std::chrono::nanoseconds{i}), static_cast<sequence_number>(i)});
  }
  fmt::memory_buffer out;
  table.write_csv(out, fixed_tick_size(decimal{1, 0}), table.range(instrument_id{1}, at(2ns), at(4ns)));
  CHECK(fmt::to_string(out) == "time,instrument,bid,bid_size,ask,ask_size,last,sequence\n"
                               "2,1,2,1,3,1,2,2\n"
                               "3,1,3,1,4,1,3,3\n");
}

TEST_CASE("timetable csv: fields are quoted only when they must be", "[timetable][csv]") {
  auto field = [](std::string_view text) {
    fmt::memory_buffer out;
    write_csv_field(out, text);
    return fmt::to_string(out);
  };
  CHECK(field("plain") == "plain");
  CHECK(field("") == "");
  CHECK(field("a,b") == "\"a,b\"");
  CHECK(field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(field("two\nlines") == "\"two\nlines\"");
}
