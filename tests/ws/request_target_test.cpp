#include <catch2/catch.hpp>

#include "request_target.hpp"

using namespace minibroker::ws::detail;

TEST_CASE("request target: path and percent-decoded query", "[ws][target]") {
  const auto t = parse_target("/ws/quotes?symbols=ABC%2CXYZ&flag&token=a+b");
  REQUIRE(t.has_value());
  CHECK(t->path == "/ws/quotes");
  REQUIRE(t->param("symbols") != nullptr);
  CHECK(*t->param("symbols") == "ABC,XYZ");
  CHECK(*t->param("flag") == "");
  CHECK(*t->param("token") == "a b");
  CHECK(t->param("nope") == nullptr);
  CHECK_FALSE(parse_target("/x?a=%4").has_value());
  CHECK_FALSE(parse_target("/x?a=%zz").has_value());
  CHECK(parse_target("/health")->query.empty());
}

TEST_CASE("request target: the bearer token comes from the header, else the query", "[ws][target]") {
  const auto q = *parse_target("/ws/order?token=from-query");
  CHECK(bearer_token("Bearer from-header", q) == "from-header");
  CHECK(bearer_token("BEARER  spaced", q) == "spaced");
  CHECK(bearer_token("Basic abc", q) == "from-query");
  CHECK(bearer_token("", *parse_target("/ws/order")) == std::nullopt);
}

TEST_CASE("request target: a list drops its empty items and a secret matches only itself exactly", "[ws][target]") {
  CHECK(split_list("A,,B,") == std::vector<std::string>{"A", "B"});
  CHECK(split_list("").empty());
  CHECK(same_secret("abc", "abc"));
  CHECK_FALSE(same_secret("abc", "abd"));
  CHECK_FALSE(same_secret("abc", "abcd"));
  CHECK_FALSE(same_secret("", "a"));
}
