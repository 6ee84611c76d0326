#include <catch2/catch.hpp>

#include "minibroker/replay/event_json.hpp"

using namespace minibroker;
using namespace minibroker::replay;

namespace {
struct fixture {
  order_file_names names;
  instrument_id acme = names.instruments.add(instrument{{}, "ACME", "ACME", "USD", decimal{1, 2}, quantity{1}}).id;
  institution_id alice = names.institutions.intern("alice");
  institution_id bob = names.institutions.intern("bob");
  client_order_id first = names.client_ids.intern("A-1");
  client_order_id second = names.client_ids.intern("7");
};
std::string text(const fmt::memory_buffer& out) { return fmt::to_string(out); }
} // namespace

TEST_CASE("event json: a trade line has the documented keys, names and a decimal price", "[event_json]") {
  fixture f;
  trade t{};
  t.sequence = 4;
  t.id = trade_id{9};
  t.instrument = f.acme;
  t.px = price{14330};
  t.qty = quantity{25};
  t.aggressor = side::sell;
  t.buy = {order_id{1}, f.alice, f.first};
  t.sell = {order_id{2}, f.bob, f.second};
  fmt::memory_buffer out;
  append_trade_json(out, t, f.names);
  CHECK(text(out) == R"({"event":"trade","seq":4,"symbol":"ACME","price":"143.30","qty":25,)"
                     R"("buy_institution":"alice","buy_id":"A-1","sell_institution":"bob","sell_id":"7",)"
                     R"("aggressor":"sell","trade_id":9})"
                     "\n");
}

TEST_CASE("event json: a report carries status, quantities and the reject reason", "[event_json]") {
  fixture f;
  execution_report r{};
  r.sequence = 2;
  r.instrument = f.acme;
  r.institution = f.alice;
  r.client_id = f.first;
  r.type = exec_type::rejected;
  r.status = order_status::rejected;
  r.order_price = price{100};
  r.order_qty = quantity{0};
  r.reason = reject_reason::invalid_quantity;
  fmt::memory_buffer out;
  append_report_json(out, r, f.names);
  CHECK(text(out) == R"({"event":"report","seq":2,"symbol":"ACME","institution":"alice","id":"A-1","order_id":0,)"
                     R"("exec":"rejected","status":"rejected","side":"buy","type":"limit","tif":"gtc",)"
                     R"("price":"1.00","qty":0,"cum_qty":0,"open_qty":0,"reason":"invalid_quantity"})"
                     "\n");
}

TEST_CASE("event json: a trade report adds the fill", "[event_json]") {
  fixture f;
  execution_report r{};
  r.instrument = f.acme;
  r.type = exec_type::trade;
  r.status = order_status::partially_filled;
  r.ord_type = order_type::market;
  r.order_qty = quantity{10};
  r.last_price = price{5};
  r.last_qty = quantity{4};
  r.cum_qty = quantity{4};
  r.open_qty = quantity{6};
  r.trade = trade_id{3};
  fmt::memory_buffer out;
  append_report_json(out, r, f.names);
  CHECK(text(out).find(R"("type":"market","tif":"gtc","qty":10,"cum_qty":4,"open_qty":6,)"
                       R"("last_price":"0.05","last_qty":4,"trade_id":3})") != std::string::npos);
}

TEST_CASE("event json: error messages are escaped", "[event_json]") {
  fmt::memory_buffer out;
  append_error_json(out, 12, "bad \"x\"\\\n\x01");
  CHECK(text(out) == R"({"event":"error","line":12,"message":"bad \"x\"\\\n\u0001"})"
                     "\n");
}
