#include <catch2/catch.hpp>

#include "ws_frames.hpp"
#include "ws_test_support.hpp"

using namespace minibroker;
using namespace minibroker::ws;
using namespace minibroker::ws::testing;

namespace {

std::string pipelined_order(std::uint64_t id, const std::string& symbol, std::string_view side, const std::string& px,
                            std::int64_t qty) {
  return fmt::format(R"({{"type":"new","id":{},"symbol":"{}","side":"{}","tif":"gtc","price":"{}","qty":{}}})", id,
                     symbol, side, px, qty);
}

} // namespace

TEST_CASE("server: orders written right behind the upgrade request, in one write, are each answered in order",
          "[ws][server][frames][threads]") {
  server_fixture f;
  const auto& abc = f.definition(1);
  std::string frames;
  constexpr std::uint64_t count = 200;
  for (std::uint64_t id = 1; id <= count; ++id) {
    frames += masked_text(
        pipelined_order(id, abc.symbol, "buy", f.px(1, -static_cast<std::int64_t>(id)), abc.lot_size.value()));
  }
  raw_ws_connection c(f.port(), "/ws/order?token=secret-a", frames);
  CHECK(c.status_line() == "HTTP/1.1 101 Switching Protocols");
  for (std::uint64_t id = 1; id <= count; ++id) {
    const auto m = c.next();
    REQUIRE(m.has_value());
    CHECK(m->opcode == 1);
    const auto ack = json::parse(m->payload).as_object();
    CHECK(str(ack, "type") == "ack");
    CHECK(num(ack, "id") == static_cast<std::int64_t>(id));
  }
  CHECK(f.server.stats().at(f.server.stats().messages_in, endpoint::order) == count);
}

TEST_CASE("server: a ping is answered with a pong that carries its payload", "[ws][server][frames][threads]") {
  server_fixture f;
  raw_ws_connection c(f.port(), "/ws/order?token=secret-a", client_frame(0x89, "are you there"));
  CHECK(c.status_line() == "HTTP/1.1 101 Switching Protocols");
  const auto pong = c.next();
  REQUIRE(pong.has_value());
  CHECK(pong->opcode == 0xa);
  CHECK(pong->payload == "are you there");
}

TEST_CASE("server: a fragmented request with a ping between its fragments is one request",
          "[ws][server][frames][threads]") {
  server_fixture f;
  const auto& abc = f.definition(1);
  const std::string order = pipelined_order(7, abc.symbol, "sell", f.px(1, 5), abc.lot_size.value());
  raw_ws_connection c(f.port(), "/ws/order?token=secret-a");
  CHECK(c.status_line() == "HTTP/1.1 101 Switching Protocols");
  // Each piece in its own write: the server may read them one at a time.
  c.write(client_frame(0x01, order.substr(0, 10)));
  c.write(client_frame(0x89, "mid"));
  c.write(client_frame(0x00, order.substr(10, 20)));
  c.write(client_frame(0x80, order.substr(30)));
  const auto pong = c.next();
  REQUIRE(pong.has_value());
  CHECK(pong->opcode == 0xa);
  CHECK(pong->payload == "mid");
  const auto ack = c.next();
  REQUIRE(ack.has_value());
  const auto o = json::parse(ack->payload).as_object();
  CHECK(str(o, "type") == "ack");
  CHECK(num(o, "id") == 7);
  CHECK(f.server.stats().at(f.server.stats().messages_in, endpoint::order) == 1);
}

TEST_CASE("server: a client's close is echoed with its code, then the connection ends",
          "[ws][server][frames][threads]") {
  server_fixture f;
  raw_ws_connection c(f.port(), "/ws/order?token=secret-a", client_frame(0x88, close_payload(1000, "done")));
  CHECK(c.status_line() == "HTTP/1.1 101 Switching Protocols");
  const auto echo = c.next();
  REQUIRE(echo.has_value());
  CHECK(echo->opcode == 0x8);
  CHECK(echo->close_code() == 1000);
  CHECK_FALSE(c.next().has_value());
  CHECK(eventually([&] { return f.server.stats().open_connections() == 0; }));
  CHECK(f.server.stats().network_errors == 0);
}

TEST_CASE("server: a Beast client's close handshake ends the connection cleanly", "[ws][server][frames][threads]") {
  server_fixture f;
  ws_client c(f.port(), "/ws/order", alpha_auth);
  REQUIRE(c.accepted());
  c.send("{}");
  CHECK(str(c.read_json(), "code") == "missing_field");
  c.close();
  CHECK_FALSE(c.read().has_value());
  CHECK(eventually([&] { return f.server.stats().open_connections() == 0; }));
  CHECK(f.server.stats().network_errors == 0);
}

TEST_CASE("server: a Beast client's fragmented messages are read whole", "[ws][server][frames][threads]") {
  server_fixture f;
  ws_client c(f.port(), "/ws/order", alpha_auth);
  REQUIRE(c.accepted());
  c.fragment(8); // frames of 8 bytes at most
  c.send(R"({"type":"buy"})");
  CHECK(str(c.read_json(), "code") == "unknown_type");
}

TEST_CASE("server: protocol violations close that connection with their code and are counted",
          "[ws][server][frames][threads]") {
  server_fixture f;
  struct violation {
    std::string bytes;
    std::uint16_t code;
  };
  const std::vector<violation> cases{
      {client_frame(0x81, "{}", false), 1002},            // unmasked
      {client_frame(0xc1, "{}"), 1002},                   // RSV1 without an extension
      {client_frame(0x80, "{}"), 1002},                   // a continuation of nothing
      {client_frame(0x81, std::string("\xff", 1)), 1007}, // not UTF-8
  };
  ws_client other(f.port(), "/ws/order", bravo_auth);
  REQUIRE(other.accepted());
  for (const auto& v : cases) {
    raw_ws_connection c(f.port(), "/ws/order?token=secret-a", v.bytes);
    CHECK(c.status_line() == "HTTP/1.1 101 Switching Protocols");
    const auto close = c.next();
    REQUIRE(close.has_value());
    CHECK(close->opcode == 0x8);
    CHECK(close->close_code() == v.code);
    CHECK_FALSE(c.next().has_value());
  }
  CHECK(eventually([&] { return f.server.stats().network_errors == cases.size(); }));
  other.send("{}"); // no one else is harmed
  CHECK(str(other.read_json(), "code") == "missing_field");
}
