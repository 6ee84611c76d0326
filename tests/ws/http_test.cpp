#include <catch2/catch.hpp>

#include "ws_test_support.hpp"

using namespace minibroker;
using namespace minibroker::ws;
using namespace minibroker::ws::testing;

TEST_CASE("server: binds to 127.0.0.1 on an OS-chosen port", "[ws][server][threads]") {
  server_fixture f;
  CHECK(f.server.address() == "127.0.0.1");
  CHECK(f.port() != 0);
}

TEST_CASE("server: GET /health answers ok", "[ws][server][http][threads]") {
  server_fixture f;
  const auto r = http_get(f.port(), "/health");
  CHECK(r.status == 200);
  CHECK(r.body == "{\"status\":\"ok\"}\n");
}

TEST_CASE("server: GET /metrics is Prometheus text with server and exchange counters", "[ws][server][http][threads]") {
  server_fixture f;
  const auto r = http_get(f.port(), "/metrics");
  CHECK(r.status == 200);
  CHECK(r.body.find("# TYPE minibroker_ws_connections gauge\n") != std::string::npos);
  CHECK(r.body.find("minibroker_ws_connections{endpoint=\"quotes\"} 0\n") != std::string::npos);
  CHECK(r.body.find("minibroker_ws_errors_total{code=\"malformed_json\"} 0\n") != std::string::npos);
  CHECK(r.body.find("minibroker_exchange_requests_received_total 0\n") != std::string::npos);
  CHECK(r.body.find("minibroker_bus_queue_depth{queue=\"") != std::string::npos);
  CHECK(r.body.find("minibroker_matcher_requests_total{shard=\"0\"} 0\n") != std::string::npos);
  CHECK(r.body.find("minibroker_ws_http_requests_total 1\n") != std::string::npos); // this request
}

TEST_CASE("server: unknown paths, wrong methods and plain GETs of WebSocket paths are refused",
          "[ws][server][http][threads]") {
  server_fixture f;
  const auto missing = http_get(f.port(), "/nope");
  CHECK(missing.status == 404);
  CHECK(missing.body == "{\"error\":\"not_found\",\"text\":\"no such path: /nope\"}\n");
  const auto post = http_get(f.port(), "/health", http::verb::post);
  CHECK(post.status == 405);
  const auto plain = http_get(f.port(), "/ws/quotes");
  CHECK(plain.status == 426);
  CHECK(plain.body.find("upgrade_required") != std::string::npos);
  const auto s = f.server.stats();
  CHECK(s.refused(refusal::not_found) == 1);
  CHECK(s.refused(refusal::method_not_allowed) == 1);
  CHECK(s.refused(refusal::upgrade_required) == 1);
  CHECK(s.http_requests == 3);
  CHECK(f.server.metrics_text().find("minibroker_ws_refusals_total{reason=\"not_found\",status=\"404\"} 1\n") !=
        std::string::npos);
}
