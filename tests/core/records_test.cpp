#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "minibroker/core/records.hpp"

using namespace minibroker;

TEST_CASE("records: each record prints as one readable line", "[records]") {
  new_order_request order{institution_id{1}, client_order_id{7}, instrument_id{3}, side::sell,
                          order_type::limit, time_in_force::ioc, price{10025},     quantity{100}};
  CHECK(fmt::format("{}", order) == "new{inst=1 id=7 instrument=3 sell limit ioc qty=100 px=10025}");

  cancel_request cancel{institution_id{1}, client_order_id{7}, instrument_id{3}};
  CHECK(fmt::format("{}", cancel) == "cancel{inst=1 id=7 instrument=3}");

  replace_request replace{institution_id{1}, client_order_id{7}, instrument_id{3}, std::nullopt, quantity{50}};
  CHECK(fmt::format("{}", replace) == "replace{inst=1 id=7 instrument=3 qty=50}");

  execution_report report{};
  report.type = exec_type::rejected;
  report.status = order_status::rejected;
  report.reason = reject_reason::unknown_instrument;
  CHECK(fmt::format("{}", report).find("reason=unknown_instrument") != std::string::npos);

  trade t{};
  t.px = price{10025};
  t.qty = quantity{10};
  CHECK(fmt::format("{}", t).find("10x10025") != std::string::npos);

  instrument i{instrument_id{1}, "ACME", "Acme Corp", "USD", decimal{5, 2}, quantity{100}, price{2000}};
  CHECK(fmt::format("{}", i) ==
        "instrument{id=1 symbol=ACME name=\"Acme Corp\" ccy=USD tick=0.05 lot=100 ref=2000 trading}");

  quote q{instrument_id{1}, price{99}, quantity{5}, price{101}, quantity{6}, price{100}};
  CHECK(fmt::format("{}", q).find("bid=99x5 ask=101x6") != std::string::npos);
}

TEST_CASE("records: strong types do not mix", "[records]") {
  STATIC_REQUIRE_FALSE(std::is_convertible_v<price, quantity>);
  STATIC_REQUIRE_FALSE(std::is_convertible_v<std::int64_t, price>);
  STATIC_REQUIRE_FALSE(std::is_convertible_v<order_id, client_order_id>);
  CHECK(price{3} + price{4} == price{7});
  CHECK(quantity{10} - quantity{4} == quantity{6});
  CHECK(price{5} * 3 == price{15});
}
