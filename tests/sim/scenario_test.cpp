#include <catch2/catch.hpp>

#include "minibroker/sim/scenario.hpp"

using namespace minibroker;

TEST_CASE("scenario: a JSON file sets the keys it names and keeps the rest", "[scenario]") {
  auto s = scenario_from_json(R"({"seed": 7, "clock": "real", "instruments": 3, "quote_rate": 50.5,
                                  "institutions": 4, "order_rate": 2000, "orders": 0, "duration": 2.5,
                                  "threads": 2, "mix": {"cancel": 0.1, "invalid": 0}, "queue_capacity": 1024,
                                  "retention_rows": 100})");
  REQUIRE(s.has_value());
  CHECK(s->seed == 7);
  CHECK(s->clock == clock_mode::real_time);
  CHECK(s->instruments == 3);
  CHECK(s->quote_rate == 50.5);
  CHECK(s->institutions == 4);
  CHECK(s->order_rate == 2000);
  CHECK(s->orders == 0);
  CHECK(s->duration == 2.5);
  CHECK(s->threads == 2);
  CHECK(s->mix.cancel_share == 0.1);
  CHECK(s->mix.replace_share == scenario{}.mix.replace_share);
  CHECK(s->mix.invalid_share == 0.0);
  CHECK(s->queue_capacity == 1024);
  CHECK(s->retention_rows == 100);
}

TEST_CASE("scenario: an empty object is the base scenario", "[scenario]") {
  scenario base;
  base.seed = 99;
  auto s = scenario_from_json("{}", base);
  REQUIRE(s.has_value());
  CHECK(s->seed == 99);
}

TEST_CASE("scenario: bad files are refused with a message naming the key", "[scenario]") {
  const auto error_of = [](std::string_view text) {
    auto s = scenario_from_json(text);
    REQUIRE_FALSE(s.has_value());
    return s.error();
  };
  CHECK(error_of("{").find("not valid JSON") == 0);
  CHECK(error_of("[1]") == "the scenario must be a JSON object");
  CHECK(error_of(R"({"sed": 1})") == "unknown key `sed`");
  CHECK(error_of(R"({"seed": -1})") == "`seed` must be a whole number, 0 or more");
  CHECK(error_of(R"({"seed": "1"})") == "`seed` must be a whole number, 0 or more");
  CHECK(error_of(R"({"clock": "fast"})") == "`clock` must be \"virtual\" or \"real\"");
  CHECK(error_of(R"({"quote_rate": true})") == "`quote_rate` must be a number");
  CHECK(error_of(R"({"mix": {"cancl": 1}})").find("unknown key `mix.cancl`") == 0);
  CHECK(error_of(R"({"mix": 3})") == "`mix` must be an object");
  CHECK(error_of(R"({"instruments": 0})") == "instruments must be between 1 and 100000");
  CHECK(error_of(R"({"threads": 4})").find("virtual clock runs on one thread") != std::string::npos);
  CHECK(error_of(R"({"orders": 0})").find("never ends") != std::string::npos);
  CHECK(error_of(R"({"mix": {"cancel": 0.8, "replace": 0.5}})").find("add up to at most 1") != std::string::npos);
}
