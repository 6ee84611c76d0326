#include <catch2/catch.hpp>

#include "ws_test_support.hpp"

using namespace minibroker;
using namespace minibroker::ws;
using namespace minibroker::ws::testing;

TEST_CASE("server: the order endpoints refuse the upgrade with 401 without a valid token",
          "[ws][server][auth][threads]") {
  server_fixture f;
  ws_client none(f.port(), "/ws/order");
  CHECK_FALSE(none.accepted());
  CHECK(none.status() == 401);
  ws_client wrong(f.port(), "/ws/order", {{"Authorization", "Bearer secret-x"}});
  CHECK_FALSE(wrong.accepted());
  CHECK(wrong.status() == 401);
  ws_client wrong_query(f.port(), "/ws/order/update/alpha?token=secret-");
  CHECK(wrong_query.status() == 401);
  ws_client basic(f.port(), "/ws/order", {{"Authorization", "Basic secret-a"}});
  CHECK(basic.status() == 401);
  CHECK(f.server.stats().refused(refusal::unauthorized) == 4);

  ws_client header(f.port(), "/ws/order", {{"Authorization", "bearer secret-a"}});
  CHECK(header.accepted());
  ws_client query(f.port(), "/ws/order?token=secret%2Da"); // percent-encoded
  CHECK(query.accepted());
}

TEST_CASE("server: a token reads only its own institution's reports", "[ws][server][auth][threads]") {
  server_fixture f;
  ws_client other(f.port(), "/ws/order/update/bravo", {{"Authorization", "Bearer secret-a"}});
  CHECK_FALSE(other.accepted());
  CHECK(other.status() == 403);
  ws_client unknown(f.port(), "/ws/order/update/zulu", {{"Authorization", "Bearer secret-a"}});
  CHECK(unknown.status() == 404);
  ws_client own(f.port(), "/ws/order/update/alpha", {{"Authorization", "Bearer secret-a"}});
  CHECK(own.accepted());
  CHECK(f.server.stats().refused(refusal::forbidden) == 1);
}

TEST_CASE("server: market data is public and an unknown WebSocket path is 404", "[ws][server][auth][threads]") {
  server_fixture f;
  ws_client quotes(f.port(), "/ws/quotes");
  CHECK(quotes.accepted());
  ws_client nowhere(f.port(), "/ws/elsewhere");
  CHECK(nowhere.status() == 404);
}

TEST_CASE("server: allowed origins restrict browser upgrades", "[ws][server][auth][threads]") {
  server_config sc;
  sc.allowed_origins = {"https://desk.example"};
  server_fixture f(members(), sc);
  ws_client evil(f.port(), "/ws/quotes", {{"Origin", "https://evil.example"}});
  CHECK(evil.status() == 403);
  ws_client desk(f.port(), "/ws/quotes", {{"Origin", "https://desk.example"}});
  CHECK(desk.accepted());
  ws_client tool(f.port(), "/ws/quotes"); // no Origin: not a browser
  CHECK(tool.accepted());
  CHECK(f.server.stats().refused(refusal::forbidden) == 1);
}
