#include <catch2/catch.hpp>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "ws_test_support.hpp"

using namespace minibroker;
using namespace minibroker::ws;
using namespace minibroker::ws::testing;

TEST_CASE("server: a message over the maximum size closes that connection with 1009 only",
          "[ws][server][limits][threads]") {
  server_config sc;
  sc.max_message_size = 1024;
  server_fixture f(members(), sc);
  ws_client big(f.port(), "/ws/order?token=secret-a");
  ws_client other(f.port(), "/ws/order?token=secret-b");
  REQUIRE(big.accepted());
  REQUIRE(other.accepted());
  big.send(std::string(2000, ' '));
  CHECK_FALSE(big.read().has_value());
  CHECK(big.close_code() == 1009);
  other.send("{}");
  CHECK(str(other.read_json(), "code") == "missing_field");
  CHECK(f.server.stats().error(codec_error::message_too_big) == 1);
}

TEST_CASE("server: connections over the maximum are refused with 503", "[ws][server][limits][threads]") {
  server_config sc;
  sc.max_connections = 2;
  server_fixture f(members(), sc);
  ws_client one(f.port(), "/ws/instruments");
  ws_client two(f.port(), "/ws/quotes");
  REQUIRE(one.accepted());
  REQUIRE(two.accepted());
  // Both are registered once their snapshots have come.
  CHECK(str(one.read_type("snapshot_end"), "type") == "snapshot_end");
  CHECK(str(two.read_type("snapshot_end"), "type") == "snapshot_end");
  ws_client three(f.port(), "/ws/quotes");
  CHECK_FALSE(three.accepted());
  CHECK(three.status() == 503);
  CHECK(f.server.stats().refused(refusal::too_many_connections) == 1);
  CHECK(http_get(f.port(), "/health").status == 200); // HTTP still answers
}

TEST_CASE("server: an idle connection that answers no ping is closed after the idle timeout",
          "[ws][server][limits][threads]") {
  server_config sc;
  sc.idle_timeout = std::chrono::milliseconds(200);
  server_fixture f(members(), sc);
  // A raw socket: it upgrades, then reads without ever answering the server's pings.
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), f.port()));
  const std::string upgrade = "GET /ws/instruments HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                              "Sec-WebSocket-Version: 13\r\n\r\n";
  asio::write(socket, asio::buffer(upgrade));
  std::string received;
  beast::error_code ec;
  std::array<char, 4096> chunk{};
  while (!ec) {
    const auto n = socket.read_some(asio::buffer(chunk), ec);
    received.append(chunk.data(), n);
  }
  CHECK(received.starts_with("HTTP/1.1 101"));
  CHECK((ec == asio::error::eof || ec == asio::error::connection_reset));
  CHECK(eventually([&] { return f.server.stats().idle_timeouts == 1; }));
}

TEST_CASE("server: a client that sends nothing but answers the pings outlives the idle timeout",
          "[ws][server][limits][threads]") {
  server_config sc;
  // Long enough that a pong is never late on a busy machine or under a sanitizer (the reader
  // has half a timeout to answer each ping); the test counts pings, it does not time them.
  sc.idle_timeout = std::chrono::seconds(1);
  server_fixture f(members(3, 200), sc);
  ws_client reader(f.port(), "/ws/quotes");
  REQUIRE(reader.accepted());
  // A ping comes after half a timeout of silence, and every timeout while the pongs are heard.
  std::size_t quotes = 0;
  while (reader.pings() < 4) {
    REQUIRE(reader.read().has_value());
    ++quotes;
  }
  CHECK(quotes > 0);
  CHECK(f.server.stats().idle_timeouts == 0);
  CHECK(str(reader.read_type("quote"), "type") == "quote");
}

TEST_CASE("server: an execution-report reader that falls behind is closed, never skipped",
          "[ws][server][limits][threads]") {
  server_config sc;
  sc.socket_send_buffer = 4096;
  sc.max_queued_messages = 16;
  server_fixture f(members(), sc);
  const auto& abc = f.definition(1);
  const auto lot = abc.lot_size.value();
  ws_client slow(f.port(), "/ws/order/update/alpha?from=1", {{"Authorization", "Bearer secret-a"}}, 4096);
  ws_client orders(f.port(), "/ws/order", {{"Authorization", "Bearer secret-a"}});
  REQUIRE(slow.accepted());
  constexpr int count = 400;
  for (int id = 1; id <= count; ++id) {
    orders.send(fmt::format(R"({{"type":"new","id":{},"symbol":"{}","side":"buy","price":"{}","qty":{}}})", id,
                            abc.symbol, f.px(1, -1 - id % 50), lot));
    REQUIRE(str(orders.read_json(), "type") == "ack");
  }
  // Every report was journaled before its ack went out: the slow reader was closed by then.
  CHECK(f.server.stats().at(f.server.stats().slow_consumer_closes, endpoint::order_update) == 1);
  std::int64_t seq = 0;
  while (auto text = slow.read()) {
    const auto r = json::parse(*text).as_object();
    CHECK(num(r, "seq") == seq + 1); // what came, came without a gap
    seq = num(r, "seq");
  }
  CHECK(slow.close_code() == 4001);
  CHECK(slow.close_reason().starts_with("slow consumer"));
  CHECK(seq < count);
  // It resynchronises from where it stopped and gets the rest.
  ws_client again(f.port(), fmt::format("/ws/order/update/alpha?from={}", seq + 1),
                  {{"Authorization", "Bearer secret-a"}});
  REQUIRE(again.accepted());
  while (seq < count) {
    const auto r = again.read_json();
    CHECK(num(r, "seq") == seq + 1);
    CHECK(num(r, "id") == seq + 1); // one "new" report per order, in order
    seq = num(r, "seq");
  }
}
