#include <catch2/catch.hpp>

#include "ws_test_support.hpp"

using namespace minibroker;
using namespace minibroker::ws;
using namespace minibroker::ws::testing;

namespace {

std::string limit(std::uint64_t id, const std::string& symbol, std::string_view side, const std::string& px, int qty,
                  std::string_view tif = "gtc") {
  return fmt::format(R"({{"type":"new","id":{},"symbol":"{}","side":"{}","tif":"{}","price":"{}","qty":{}}})", id,
                     symbol, side, tif, px, qty);
}

} // namespace

TEST_CASE("server: orders from two institutions are acked, trade, and each reads only its own reports",
          "[ws][server][orders][threads]") {
  server_fixture f;
  const auto& abc = f.definition(1);
  const int lot = static_cast<int>(abc.lot_size.value());
  ws_client alpha(f.port(), "/ws/order", alpha_auth);
  ws_client bravo(f.port(), "/ws/order?token=secret-b");
  ws_client alpha_reports(f.port(), "/ws/order/update/alpha?from=1", alpha_auth);
  ws_client bravo_reports(f.port(), "/ws/order/update/bravo?from=1", bravo_auth);
  REQUIRE(alpha.accepted());
  REQUIRE(bravo.accepted());
  REQUIRE(alpha_reports.accepted());
  REQUIRE(bravo_reports.accepted());

  alpha.send(limit(1, abc.symbol, "buy", f.px(1), 3 * lot));
  const auto ack = alpha.read_json();
  CHECK(str(ack, "type") == "ack");
  CHECK(str(ack, "request") == "new");
  CHECK(num(ack, "id") == 1);
  CHECK(str(ack, "symbol") == abc.symbol);
  CHECK(str(ack, "status") == "new");
  CHECK(num(ack, "order_id") > 0);

  bravo.send(limit(1, abc.symbol, "sell", f.px(1), 2 * lot)); // same client id, other institution: fine
  const auto bravo_ack = bravo.read_json();
  CHECK(str(bravo_ack, "type") == "ack");
  CHECK(num(bravo_ack, "id") == 1);

  // alpha: new, then a partial fill; bravo: new, then filled. Numbered per institution.
  const auto a1 = alpha_reports.read_json();
  const auto a2 = alpha_reports.read_json();
  CHECK(num(a1, "seq") == 1);
  CHECK(str(a1, "exec") == "new");
  CHECK(num(a2, "seq") == 2);
  CHECK(str(a2, "exec") == "trade");
  CHECK(str(a2, "status") == "partially_filled");
  CHECK(num(a2, "last_qty") == 2 * lot);
  CHECK(str(a2, "last_price") == f.px(1));
  CHECK(num(a2, "open_qty") == lot);
  const auto b1 = bravo_reports.read_json();
  const auto b2 = bravo_reports.read_json();
  CHECK(num(b1, "seq") == 1);
  CHECK(num(b2, "seq") == 2);
  CHECK(str(b2, "status") == "filled");
  CHECK(str(b2, "side") == "sell");

  // A cancel and a replace are acked too.
  alpha.send(fmt::format(R"({{"type":"replace","id":1,"symbol":"{}","qty":{}}})", abc.symbol, 2 * lot));
  const auto replaced = alpha.read_json();
  CHECK(str(replaced, "type") == "ack");
  CHECK(str(replaced, "request") == "replace");
  alpha.send(fmt::format(R"({{"type":"cancel","id":1,"symbol":"{}"}})", abc.symbol));
  const auto cancelled = alpha.read_json();
  CHECK(str(cancelled, "type") == "ack");
  CHECK(str(cancelled, "request") == "cancel");
  CHECK(str(cancelled, "status") == "cancelled");
  CHECK(num(alpha_reports.read_json(), "seq") == 3);
  const auto a4 = alpha_reports.read_json();
  CHECK(num(a4, "seq") == 4);
  CHECK(str(a4, "exec") == "cancelled");

  // Isolation: bravo's stream has nothing more; its next report is its own next order's.
  bravo.send(limit(2, abc.symbol, "sell", f.px(1, 5), lot));
  CHECK(str(bravo.read_json(), "type") == "ack");
  const auto b3 = bravo_reports.read_json();
  CHECK(num(b3, "seq") == 3);
  CHECK(num(b3, "id") == 2);
  CHECK(f.server.stats().acks == 5);
}

TEST_CASE("server: rejects name the client order id and the reason", "[ws][server][orders][threads]") {
  server_fixture f;
  const auto& abc = f.definition(1);
  const int lot = static_cast<int>(abc.lot_size.value());
  ws_client alpha(f.port(), "/ws/order", alpha_auth);
  REQUIRE(alpha.accepted());

  alpha.send(limit(7, "NOPE", "buy", "1.00", lot)); // resolved at the server
  auto r = alpha.read_json();
  CHECK(str(r, "type") == "reject");
  CHECK(num(r, "id") == 7);
  CHECK(str(r, "reason") == "unknown_instrument");
  CHECK(str(r, "text") == "no instrument has the symbol \"NOPE\"");

  const auto ref = f.px(1);
  const auto off_tick = ref.find('.') != std::string::npos ? ref + "1" : ref + ".5"; // finer than the tick
  alpha.send(limit(8, abc.symbol, "buy", off_tick, lot));
  r = alpha.read_json();
  CHECK(num(r, "id") == 8);
  CHECK(str(r, "reason") == "price_not_on_tick");

  alpha.send(limit(9, abc.symbol, "buy", f.px(1), 0)); // refused by the exchange
  r = alpha.read_json();
  CHECK(str(r, "type") == "reject");
  CHECK(str(r, "request") == "new");
  CHECK(num(r, "id") == 9);
  CHECK(str(r, "reason") == "invalid_quantity");

  alpha.send(fmt::format(R"({{"type":"cancel","id":99,"symbol":"{}"}})", abc.symbol));
  r = alpha.read_json();
  CHECK(str(r, "request") == "cancel");
  CHECK(num(r, "id") == 99);
  CHECK(str(r, "reason") == "unknown_order");

  alpha.send(limit(10, abc.symbol, "buy", f.px(1), lot));
  CHECK(str(alpha.read_json(), "type") == "ack");
  alpha.send(limit(10, abc.symbol, "buy", f.px(1), lot));
  r = alpha.read_json();
  CHECK(num(r, "id") == 10);
  CHECK(str(r, "reason") == "duplicate_client_order_id");

  const auto s = f.server.stats();
  CHECK(s.rejected(reject_reason::unknown_instrument) == 1);
  CHECK(s.rejected(reject_reason::price_not_on_tick) == 1);
  CHECK(s.rejected(reject_reason::invalid_quantity) == 1);
  CHECK(s.rejected(reject_reason::unknown_order) == 1);
  CHECK(s.rejected(reject_reason::duplicate_client_order_id) == 1);
}

TEST_CASE("server: bad input gets a specific error, is counted, and harms no one else",
          "[ws][server][orders][threads]") {
  server_fixture f;
  const auto& abc = f.definition(1);
  const int lot = static_cast<int>(abc.lot_size.value());
  ws_client bad(f.port(), "/ws/order", alpha_auth);
  ws_client good(f.port(), "/ws/order", bravo_auth);
  REQUIRE(bad.accepted());
  REQUIRE(good.accepted());

  bad.send("{not json");
  auto e = bad.read_json();
  CHECK(str(e, "type") == "error");
  CHECK(str(e, "code") == "malformed_json");
  bad.send(R"({"type":"buy"})");
  CHECK(str(bad.read_json(), "code") == "unknown_type");
  bad.send(R"({"type":"new","id":4,"symbol":"X","side":"buy"})");
  e = bad.read_json();
  CHECK(str(e, "code") == "missing_field");
  CHECK(num(e, "id") == 4);
  bad.send(R"({"type":"cancel","id":5,"symbol":"X","extra":1})");
  CHECK(str(bad.read_json(), "code") == "unknown_field");
  bad.send(R"({"type":"cancel","id":"5","symbol":"X"})");
  CHECK(str(bad.read_json(), "code") == "wrong_type");
  bad.send_binary(std::string("\x00\x01\x02", 3));
  e = bad.read_json();
  CHECK(str(e, "code") == "binary_frame");

  // The same connection still works, and so does everyone else's.
  bad.send(limit(1, abc.symbol, "buy", f.px(1), lot));
  CHECK(str(bad.read_json(), "type") == "ack");
  good.send(limit(1, abc.symbol, "buy", f.px(1), lot));
  CHECK(str(good.read_json(), "type") == "ack");

  const auto s = f.server.stats();
  CHECK(s.error(codec_error::malformed_json) == 1);
  CHECK(s.error(codec_error::unknown_type) == 1);
  CHECK(s.error(codec_error::missing_field) == 1);
  CHECK(s.error(codec_error::unknown_field) == 1);
  CHECK(s.error(codec_error::wrong_type) == 1);
  CHECK(s.error(codec_error::binary_frame) == 1);
  CHECK(f.server.metrics_text().find("minibroker_ws_errors_total{code=\"binary_frame\"} 1\n") != std::string::npos);
}

TEST_CASE("server: the report stream resumes from a sequence number and refuses one older than its journal",
          "[ws][server][orders][threads]") {
  server_config sc;
  sc.max_queued_messages = 4;
  sc.report_journal = 4;
  server_fixture f(members(), sc);
  const auto& abc = f.definition(1);
  const int lot = static_cast<int>(abc.lot_size.value());
  ws_client alpha(f.port(), "/ws/order", alpha_auth);
  for (std::uint64_t id = 1; id <= 6; ++id) {
    alpha.send(limit(id, abc.symbol, "buy", f.px(1, -static_cast<int>(id)), lot));
    CHECK(str(alpha.read_json(), "type") == "ack");
  }
  ws_client resumed(f.port(), "/ws/order/update/alpha?from=4", alpha_auth);
  REQUIRE(resumed.accepted());
  for (std::int64_t seq = 4; seq <= 6; ++seq) {
    const auto r = resumed.read_json();
    CHECK(num(r, "seq") == seq);
    CHECK(num(r, "id") == seq);
  }
  ws_client too_old(f.port(), "/ws/order/update/alpha?from=2", alpha_auth);
  REQUIRE(too_old.accepted());
  CHECK_FALSE(too_old.read().has_value());
  CHECK(too_old.close_code() == 4002);
  CHECK(too_old.close_reason() == "resync unavailable: the journal starts at 3");
  CHECK(f.server.stats().resyncs_refused == 1);
}
