#include <catch2/catch.hpp>

#include <map>

#include "ws_test_support.hpp"

using namespace minibroker;
using namespace minibroker::ws;
using namespace minibroker::ws::testing;

TEST_CASE("server: /ws/instruments sends every instrument then snapshot_end", "[ws][server][market][threads]") {
  server_fixture f(members(3));
  ws_client c(f.port(), "/ws/instruments");
  REQUIRE(c.accepted());
  for (std::uint32_t id = 1; id <= 3; ++id) {
    const auto m = c.read_json();
    CHECK(str(m, "type") == "instrument");
    CHECK(num(m, "id") == id);
    CHECK(str(m, "symbol") == f.definition(id).symbol);
    CHECK(str(m, "tick_size") == f.definition(id).tick_size.to_string());
    CHECK(str(m, "reference_price") == f.px(id));
    CHECK(str(m, "status") == "trading");
  }
  const auto end = c.read_json();
  CHECK(str(end, "type") == "snapshot_end");
  CHECK(num(end, "count") == 3);
  c.send(R"({"type":"subscribe"})");
  const auto error = c.read_json();
  CHECK(str(error, "code") == "unexpected_message");
  CHECK(f.server.stats().error(codec_error::unexpected_message) == 1);
}

TEST_CASE("server: /ws/quotes sends the latest quote of each instrument then updates in order",
          "[ws][server][market][threads]") {
  server_fixture f(members(2, 200));
  ws_client c(f.port(), "/ws/quotes");
  REQUIRE(c.accepted());
  std::map<std::string, std::int64_t> last;
  for (int i = 0; i < 2; ++i) {
    const auto q = c.read_json();
    CHECK(str(q, "type") == "quote");
    last[str(q, "symbol")] = num(q, "seq");
  }
  CHECK(last.size() == 2);
  CHECK(num(c.read_json(), "count") == 2);
  // A reader that keeps up sees every quote: per symbol, sequence numbers without a gap.
  for (int i = 0; i < 100; ++i) {
    const auto q = c.read_json();
    REQUIRE(str(q, "type") == "quote");
    auto& seq = last[str(q, "symbol")];
    CHECK(num(q, "seq") == seq + 1);
    seq = num(q, "seq");
    CHECK(q.contains("bid"));
    CHECK(q.at("ask").is_string());
  }
  CHECK(f.server.stats().at(f.server.stats().connections, endpoint::quotes) == 1);
}

TEST_CASE("server: a quote client may ask for a subset of symbols", "[ws][server][market][threads]") {
  server_fixture f(members(3, 200));
  const auto first = f.definition(1).symbol;
  const auto third = f.definition(3).symbol;
  ws_client c(f.port(), "/ws/quotes?symbols=" + first);
  REQUIRE(c.accepted());
  CHECK(str(c.read_json(), "symbol") == first);
  CHECK(num(c.read_json(), "count") == 1);
  for (int i = 0; i < 20; ++i) {
    CHECK(str(c.read_json(), "symbol") == first);
  }
  c.send(fmt::format(R"({{"type":"subscribe","symbols":["{}","{}"]}})", first, third));
  const auto end = c.read_type("snapshot_end");
  CHECK(num(end, "count") == 2);
  int seen_third = 0;
  for (int i = 0; i < 40; ++i) {
    const auto symbol = str(c.read_json(), "symbol");
    CHECK((symbol == first || symbol == third));
    seen_third += symbol == third ? 1 : 0;
  }
  CHECK(seen_third > 0);

  c.send(R"({"type":"subscribe","symbols":["NOPE"]})");
  const auto error = c.read_type("error");
  CHECK(str(error, "code") == "invalid_value");
  CHECK(str(error, "text") == "no instrument has the symbol \"NOPE\"");
  c.send(R"({"type":"subscribe","symbols":"x"})");
  CHECK(str(c.read_type("error"), "code") == "wrong_type");
}

TEST_CASE("server: a slow quote client gets the latest quote per symbol, never a growing queue",
          "[ws][server][market][limits][threads]") {
  server_config sc;
  sc.socket_send_buffer = 4096;
  sc.max_queued_messages = 8;
  server_fixture f(members(2, 2000), sc);
  ws_client slow(f.port(), "/ws/quotes", {}, 4096);
  ws_client fast(f.port(), "/ws/quotes");
  REQUIRE(slow.accepted());
  REQUIRE(fast.accepted());
  // The fast reader sets the pace: once it has seen 3000 quotes the slow one, reading nothing,
  // is far behind.
  std::map<std::string, std::int64_t> fast_last;
  for (int i = 0; i < 3000; ++i) {
    const auto q = fast.read_json();
    if (str(q, "type") == "quote") {
      fast_last[str(q, "symbol")] = num(q, "seq");
    }
  }
  const auto target = fast_last.begin();
  std::map<std::string, std::int64_t> slow_last;
  int gaps = 0;
  int read = 0;
  while (slow_last[target->first] < target->second) {
    const auto q = slow.read_json();
    ++read;
    if (str(q, "type") != "quote") {
      continue;
    }
    auto& seq = slow_last[str(q, "symbol")];
    CHECK(num(q, "seq") > seq); // never out of order, never repeated
    gaps += seq != 0 && num(q, "seq") > seq + 1 ? 1 : 0;
    seq = num(q, "seq");
  }
  CHECK(gaps > 0);
  CHECK(read < 3000);
  CHECK(f.server.stats().quotes_conflated > 0);
  CHECK(f.server.stats().at(f.server.stats().slow_consumer_closes, endpoint::quotes) == 0);
}
