#include <catch2/catch.hpp>

#include "minibroker/ws/decode.hpp"
#include "minibroker/ws/encode.hpp"
#include "minibroker/ws/order_translation.hpp"

using namespace minibroker;
using namespace minibroker::ws;

namespace {

const institution_id alpha_id{1};

instrument_directory directory() {
  instrument_directory d;
  instrument a;
  a.id = instrument_id{1};
  a.symbol = "ABC";
  a.tick_size = decimal{5, 2};
  d.put(a);
  instrument b;
  b.id = instrument_id{2};
  b.symbol = "XYZ";
  b.tick_size = decimal{1, 0};
  d.put(b);
  return d;
}

boost::system::result<order_request, translation_reject> translate(std::string_view text) {
  auto m = decode_order_message(text);
  REQUIRE(m.has_value());
  return to_order_request(*m, alpha_id, directory());
}

} // namespace

TEST_CASE("translation: a new order gets the instrument id, ticks and the connection's institution",
          "[ws][translation]") {
  auto r = translate(R"({"type":"new","id":4,"symbol":"XYZ","side":"sell","tif":"fok","price":"17","qty":3})");
  REQUIRE(r.has_value());
  const auto& n = std::get<new_order_request>(*r);
  CHECK(n.institution == alpha_id);
  CHECK(n.id == client_order_id{4});
  CHECK(n.instrument == instrument_id{2});
  CHECK(n.side == side::sell);
  CHECK(n.tif == time_in_force::fok);
  CHECK(n.limit_price == price{17});
  CHECK(n.qty == quantity{3});

  auto m = translate(R"({"type":"new","id":5,"symbol":"ABC","side":"buy","order_type":"market","qty":3})");
  REQUIRE(m.has_value());
  CHECK_FALSE(std::get<new_order_request>(*m).limit_price.has_value());
}

TEST_CASE("translation: cancel and replace resolve the symbol and price", "[ws][translation]") {
  auto c = translate(R"({"type":"cancel","id":4,"symbol":"ABC"})");
  REQUIRE(c.has_value());
  CHECK(std::get<cancel_request>(*c).instrument == instrument_id{1});
  auto r = translate(R"({"type":"replace","id":4,"symbol":"ABC","price":"10.05","qty":7})");
  REQUIRE(r.has_value());
  CHECK(std::get<replace_request>(*r).new_price == price{201});
  CHECK(std::get<replace_request>(*r).new_open_qty == quantity{7});
}

TEST_CASE("translation: unknown symbols and bad prices are rejects with the exchange's reasons", "[ws][translation]") {
  auto u = translate(R"({"type":"cancel","id":4,"symbol":"NOPE"})");
  REQUIRE_FALSE(u.has_value());
  CHECK(u.error().reason == reject_reason::unknown_instrument);
  CHECK(u.error().text == R"(no instrument has the symbol "NOPE")");

  auto t = translate(R"({"type":"new","id":4,"symbol":"ABC","side":"buy","price":"10.03","qty":1})");
  REQUIRE_FALSE(t.has_value());
  CHECK(t.error().reason == reject_reason::price_not_on_tick);
  CHECK(t.error().text == R"(price "10.03" is not a multiple of ABC's tick size 0.05)");

  auto m = translate(R"({"type":"replace","id":4,"symbol":"ABC","price":"1e3"})");
  REQUIRE_FALSE(m.has_value());
  CHECK(m.error().reason == reject_reason::invalid_price);
  CHECK(m.error().text.starts_with(R"(price "1e3" is not a decimal number)"));
}

TEST_CASE("translation: the directory finds by symbol and id and updates in place", "[ws][translation]") {
  auto d = directory();
  REQUIRE(d.find("ABC") != nullptr);
  CHECK(d.find(instrument_id{2})->symbol == "XYZ");
  CHECK(d.find("abc") == nullptr);
  instrument halted = *d.find("ABC");
  halted.status = instrument_status::halted;
  d.put(halted);
  CHECK(d.all().size() == 2);
  CHECK(d.find("ABC")->status == instrument_status::halted);
}

TEST_CASE("translation: an encoded request decodes and translates back to itself", "[ws][translation]") {
  const auto d = directory();
  const institution_id bravo{2};
  const std::vector<order_request> requests{
      new_order_request{bravo, client_order_id{1}, instrument_id{1}, side::sell, order_type::limit, time_in_force::fok,
                        price{201}, quantity{30}},
      new_order_request{bravo, client_order_id{2}, instrument_id{2}, side::buy, order_type::market, time_in_force::ioc,
                        std::nullopt, quantity{5}},
      cancel_request{bravo, client_order_id{3}, instrument_id{1}},
      replace_request{bravo, client_order_id{4}, instrument_id{1}, price{199}, std::nullopt},
      replace_request{bravo, client_order_id{5}, instrument_id{2}, std::nullopt, quantity{7}},
  };
  for (const auto& r : requests) {
    const auto text = encode_request(r, *d.find(instrument_of(r)));
    auto m = decode_order_message(text);
    REQUIRE(m.has_value());
    auto back = to_order_request(*m, bravo, d);
    REQUIRE(back.has_value());
    CHECK(std::visit([](const auto& x) { return fmt::format("{}", x); }, *back) ==
          std::visit([](const auto& x) { return fmt::format("{}", x); }, r));
  }
}
