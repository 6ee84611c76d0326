// Resends: a request that carries its number on its order ("req") and comes again is answered
// again, never executed again (docs/protocol.md, resync).
#include <catch2/catch.hpp>

#include "minibroker/ws/decode.hpp"
#include "minibroker/ws/encode.hpp"
#include "ws_test_support.hpp"

using namespace minibroker;
using namespace minibroker::ws;
using namespace minibroker::ws::testing;

namespace {

std::string numbered_new(std::uint64_t id, std::uint64_t req, const server_fixture& f) {
  const auto& i = f.definition(1);
  return fmt::format(R"({{"type":"new","id":{},"symbol":"{}","side":"buy","price":"{}","qty":{},"req":{}}})", id,
                     i.symbol, f.px(1), i.lot_size.value(), req);
}

std::string numbered_cancel(std::uint64_t id, std::uint64_t req, const server_fixture& f) {
  return fmt::format(R"({{"type":"cancel","id":{},"symbol":"{}","req":{}}})", id, f.definition(1).symbol, req);
}

std::uint64_t exchange_requests(server_fixture& f) {
  std::promise<std::uint64_t> n;
  asio::post(f.ex.executor(), [&] { n.set_value(f.ex.stats().requests_received); });
  return n.get_future().get();
}

} // namespace

TEST_CASE("ws codec: a request's number on its order round-trips, and one below 1 is invalid_value",
          "[ws][codec][resend]") {
  instrument i;
  i.id = instrument_id{1};
  i.symbol = "ABC";
  i.tick_size = decimal{1, 2};
  i.lot_size = quantity{1};
  const order_request cancel = cancel_request{institution_id{1}, client_order_id{7}, i.id};
  const auto text = encode_request(cancel, i, 3);
  CHECK(text == R"({"type":"cancel","id":7,"symbol":"ABC","req":3})");
  const auto m = decode_order_message(text);
  REQUIRE(m.has_value());
  CHECK(request_number_of(*m) == std::optional<std::uint64_t>(3));
  CHECK_FALSE(request_number_of(*decode_order_message(encode_request(cancel, i))).has_value());

  const auto zero = decode_order_message(R"({"type":"cancel","id":7,"symbol":"ABC","req":0})");
  REQUIRE_FALSE(zero.has_value());
  CHECK(zero.error().code == codec_error::invalid_value);
  const auto text_req = decode_order_message(R"({"type":"cancel","id":7,"symbol":"ABC","req":"1"})");
  REQUIRE_FALSE(text_req.has_value());
  CHECK(text_req.error().code == codec_error::wrong_type);
}

TEST_CASE("server: a numbered new order sent again is answered with its first ack and executed once",
          "[ws][server][resend][threads]") {
  server_fixture f;
  ws_client reports(f.port(), "/ws/order/update/alpha?from=1", alpha_auth);
  std::string first_ack;
  {
    ws_client first(f.port(), "/ws/order", alpha_auth);
    first.send(numbered_new(1, 1, f));
    first_ack = first.read().value();
  }
  ws_client again(f.port(), "/ws/order", alpha_auth);
  again.send(numbered_new(1, 1, f));
  CHECK(again.read().value() == first_ack);
  again.send(numbered_cancel(1, 2, f)); // the next number: a request of its own
  CHECK(str(again.read_json(), "request") == "cancel");

  const auto r1 = reports.read_json();
  const auto r2 = reports.read_json();
  CHECK(str(r1, "exec") == "new");
  CHECK(str(r2, "exec") == "cancelled"); // no duplicate reject in between
  CHECK(num(r2, "seq") == 2);
  CHECK(exchange_requests(f) == 2);
  CHECK(f.server.stats().resends == 1);
}

TEST_CASE("server: a cancel sent again after it took effect gets its first ack, not unknown_order",
          "[ws][server][resend][threads]") {
  server_fixture f;
  ws_client reports(f.port(), "/ws/order/update/alpha?from=1", alpha_auth);
  ws_client first(f.port(), "/ws/order", alpha_auth);
  first.send(numbered_new(1, 1, f));
  CHECK(str(first.read_json(), "type") == "ack");
  first.send(numbered_cancel(1, 2, f));
  const auto cancelled = first.read().value();

  ws_client again(f.port(), "/ws/order", alpha_auth);
  again.send(numbered_cancel(1, 2, f));
  CHECK(again.read().value() == cancelled);
  again.send(numbered_new(2, 1, f));
  CHECK(str(again.read_json(), "type") == "ack");

  CHECK(str(reports.read_json(), "exec") == "new");
  CHECK(str(reports.read_json(), "exec") == "cancelled");
  const auto third = reports.read_json();
  CHECK(num(third, "id") == 2); // the resent cancel made no report
  CHECK(str(third, "exec") == "new");
  CHECK(exchange_requests(f) == 3);
}

TEST_CASE("server: a resend whose answer is no longer kept is rejected as duplicate_client_order_id",
          "[ws][server][resend][threads]") {
  server_config sc;
  sc.max_queued_messages = 4;
  sc.report_journal = 4; // the answers kept for resends: as many as the journal's reports
  server_fixture f(members(), sc);
  ws_client orders(f.port(), "/ws/order", alpha_auth);
  for (std::uint64_t id = 1; id <= 5; ++id) {
    orders.send(numbered_new(id, 1, f));
    CHECK(str(orders.read_json(), "type") == "ack");
  }
  orders.send(numbered_new(1, 1, f));
  const auto reply = orders.read_json();
  CHECK(str(reply, "type") == "reject");
  CHECK(str(reply, "reason") == "duplicate_client_order_id");
  CHECK(str(reply, "text").find("no longer kept") != std::string::npos);
  orders.send(numbered_new(5, 1, f)); // still kept: its ack again
  CHECK(str(orders.read_json(), "type") == "ack");
  CHECK(exchange_requests(f) == 5);
}
