#include <catch2/catch.hpp>

#include <string>

#include <boost/json/parse.hpp>

#include "minibroker/ws/decode.hpp"
#include "minibroker/ws/encode.hpp"
#include "order_decode_paths.hpp"

using namespace minibroker;
using namespace minibroker::ws;

namespace {

// The error a text decodes to, as "code: text".
std::string order_error(std::string_view text) {
  auto r = decode_order_message(text);
  REQUIRE_FALSE(r.has_value());
  return std::string(to_string(r.error().code)) + ": " + r.error().text;
}

instrument abc() {
  instrument i;
  i.id = instrument_id{3};
  i.symbol = "ABC";
  i.name = "Abc \"Corp\"";
  i.currency = "USD";
  i.tick_size = decimal{5, 2};
  i.lot_size = quantity{10};
  i.reference_price = price{200}; // 10.00
  return i;
}

} // namespace

TEST_CASE("codec: a full new order decodes with every field", "[ws][codec]") {
  auto r = decode_order_message(
      R"({"type":"new","id":17,"symbol":"ABC","side":"sell","order_type":"limit","tif":"ioc","price":"10.05","qty":30})");
  REQUIRE(r.has_value());
  const auto& m = std::get<new_order_message>(*r);
  CHECK(m.id == client_order_id{17});
  CHECK(m.symbol == "ABC");
  CHECK(m.order_side == side::sell);
  CHECK(m.type == order_type::limit);
  CHECK(m.tif == time_in_force::ioc);
  CHECK(m.price == "10.05");
  CHECK(m.qty == quantity{30});
  CHECK(kind_of(*r) == request_kind::new_order);
}

TEST_CASE("codec: a new order defaults to a GTC limit order", "[ws][codec]") {
  auto r = decode_order_message(R"({"type":"new","id":1,"symbol":"ABC","side":"buy","price":"1","qty":1})");
  REQUIRE(r.has_value());
  const auto& m = std::get<new_order_message>(*r);
  CHECK(m.type == order_type::limit);
  CHECK(m.tif == time_in_force::gtc);
}

TEST_CASE("codec: cancel and replace decode", "[ws][codec]") {
  auto c = decode_order_message(R"({"type":"cancel","id":5,"symbol":"ABC"})");
  REQUIRE(c.has_value());
  CHECK(std::get<cancel_message>(*c).id == client_order_id{5});
  CHECK(kind_of(*c) == request_kind::cancel);

  auto p = decode_order_message(R"({"type":"replace","id":5,"symbol":"ABC","price":"10.10"})");
  REQUIRE(p.has_value());
  CHECK(std::get<replace_message>(*p).price == "10.10");
  CHECK_FALSE(std::get<replace_message>(*p).qty.has_value());

  auto q = decode_order_message(R"({"type":"replace","id":5,"symbol":"ABC","qty":20})");
  REQUIRE(q.has_value());
  CHECK(std::get<replace_message>(*q).qty == quantity{20});
  CHECK_FALSE(std::get<replace_message>(*q).price.has_value());
}

TEST_CASE("codec: malformed JSON and non-objects are told apart", "[ws][codec]") {
  CHECK(order_error(R"({"type":"new",)").starts_with("malformed_json: not valid JSON"));
  CHECK(order_error("").starts_with("malformed_json"));
  CHECK(order_error("[1,2]") == "not_an_object: a message must be a JSON object, not an array");
  CHECK(order_error("42") == "not_an_object: a message must be a JSON object, not an integer");
}

TEST_CASE("codec: the type must be present, a string and known", "[ws][codec]") {
  CHECK(order_error(R"({"id":1})") == R"(missing_field: missing field "type")");
  CHECK(order_error(R"({"type":7})") == R"(wrong_type: field "type" must be a string, not an integer)");
  CHECK(order_error(R"({"type":"subscribe"})") ==
        R"(unknown_type: unknown message type "subscribe" (expected: new, cancel, replace))");
}

TEST_CASE("codec: the client order id must be a positive integer", "[ws][codec]") {
  CHECK(order_error(R"({"type":"cancel","symbol":"ABC"})") == R"(missing_field: missing field "id")");
  CHECK(order_error(R"({"type":"cancel","id":"5","symbol":"ABC"})") ==
        R"(wrong_type: field "id" must be a positive integer, not a string)");
  CHECK(order_error(R"({"type":"cancel","id":0,"symbol":"ABC"})") ==
        R"(invalid_value: field "id" must be a positive integer)");
  CHECK(order_error(R"({"type":"cancel","id":-3,"symbol":"ABC"})") ==
        R"(invalid_value: field "id" must be a positive integer)");
  CHECK(order_error(R"({"type":"cancel","id":1.5,"symbol":"ABC"})") ==
        R"(wrong_type: field "id" must be a positive integer, not a number with a fraction or exponent)");
  auto big = decode_order_message(R"({"type":"cancel","id":18446744073709551615,"symbol":"ABC"})");
  REQUIRE(big.has_value());
  CHECK(std::get<cancel_message>(*big).id == client_order_id{18446744073709551615ULL});
}

TEST_CASE("codec: errors after the id name the client order id", "[ws][codec]") {
  auto r = decode_order_message(R"({"type":"new","id":9,"symbol":"ABC","side":"buy","price":"1"})");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == codec_error::missing_field);
  CHECK(r.error().text == R"(missing field "qty")");
  CHECK(r.error().id == client_order_id{9});

  auto before = decode_order_message(R"({"type":"new","side":"buy"})");
  REQUIRE_FALSE(before.has_value());
  CHECK_FALSE(before.error().id.has_value());
}

TEST_CASE("codec: a new order with a missing or unknown or mistyped field is refused with a message naming it",
          "[ws][codec]") {
  CHECK(order_error(R"({"type":"new","id":1,"side":"buy","qty":1})") == R"(missing_field: missing field "symbol")");
  CHECK(order_error(R"({"type":"new","id":1,"symbol":"ABC","qty":1})") == R"(missing_field: missing field "side")");
  CHECK(
      order_error(R"({"type":"new","id":1,"symbol":"ABC","side":"buy","qty":1,"colour":"red"})") ==
      R"(unknown_field: unknown field "colour" (expected: type, id, symbol, side, order_type, tif, price, qty, req))");
  CHECK(order_error(R"({"type":"new","id":1,"symbol":"ABC","side":"buy","price":10.05,"qty":1})") ==
        R"(wrong_type: field "price" must be a string, not a number with a fraction or exponent)");
  CHECK(order_error(R"({"type":"new","id":1,"symbol":"ABC","side":"buy","price":"1","qty":"1"})") ==
        R"(wrong_type: field "qty" must be an integer, not a string)");
  CHECK(order_error(R"({"type":"new","id":1,"symbol":"ABC","side":"buy","price":"1","qty":1e3})") ==
        R"(wrong_type: field "qty" must be an integer, not a number with a fraction or exponent)");
  CHECK(order_error(R"({"type":"new","id":1,"symbol":"ABC","side":"buy","price":"1","qty":18446744073709551615})") ==
        R"(invalid_value: field "qty" is out of range)");
  CHECK(order_error(R"({"type":"new","id":1,"symbol":null,"side":"buy","qty":1})") ==
        R"(wrong_type: field "symbol" must be a string, not null)");
}

TEST_CASE("codec: enum fields name the accepted values", "[ws][codec]") {
  CHECK(order_error(R"({"type":"new","id":1,"symbol":"ABC","side":"long","qty":1})") ==
        R"(invalid_value: field "side" is "long"; expected one of buy, sell)");
  CHECK(order_error(R"({"type":"new","id":1,"symbol":"ABC","side":"buy","order_type":"stop","qty":1})") ==
        R"(invalid_value: field "order_type" is "stop"; expected one of limit, market)");
  CHECK(order_error(R"({"type":"new","id":1,"symbol":"ABC","side":"buy","tif":"day","qty":1})") ==
        R"(invalid_value: field "tif" is "day"; expected one of gtc, ioc, fok)");
}

TEST_CASE("codec: cancel and replace refuse the fields they do not have", "[ws][codec]") {
  CHECK(order_error(R"({"type":"cancel","id":1,"symbol":"ABC","qty":1})") ==
        R"(unknown_field: unknown field "qty" (expected: type, id, symbol, req))");
  CHECK(order_error(R"({"type":"replace","id":1,"symbol":"ABC","side":"buy"})") ==
        R"(unknown_field: unknown field "side" (expected: type, id, symbol, price, qty, req))");
  CHECK(order_error(R"({"type":"replace","id":1,"symbol":"ABC","qty":true})") ==
        R"(wrong_type: field "qty" must be an integer, not a boolean)");
}

TEST_CASE("codec: a quote subscription takes an optional list of symbols", "[ws][codec]") {
  auto all = decode_quote_subscription(R"({"type":"subscribe"})");
  REQUIRE(all.has_value());
  CHECK(all->symbols.empty());
  auto two = decode_quote_subscription(R"({"type":"subscribe","symbols":["ABC","XYZ"]})");
  REQUIRE(two.has_value());
  CHECK(two->symbols == std::vector<std::string>{"ABC", "XYZ"});

  auto error = [](std::string_view text) {
    auto r = decode_quote_subscription(text);
    REQUIRE_FALSE(r.has_value());
    return std::string(to_string(r.error().code)) + ": " + r.error().text;
  };
  CHECK(error("{").starts_with("malformed_json"));
  CHECK(error(R"("x")") == "not_an_object: a message must be a JSON object, not a string");
  CHECK(error(R"({"type":"new"})") == R"(unknown_type: unknown message type "new" (expected: subscribe))");
  CHECK(error(R"({"type":"subscribe","symbols":"ABC"})") ==
        R"(wrong_type: field "symbols" must be an array of strings, not a string)");
  CHECK(error(R"({"type":"subscribe","symbols":["ABC",1]})") ==
        R"(wrong_type: field "symbols" must be an array of strings; found an integer)");
  CHECK(error(R"({"type":"subscribe","depth":5})") ==
        R"(unknown_field: unknown field "depth" (expected: type, symbols))");
}

TEST_CASE("codec: instruments and quotes encode with decimal prices on the tick", "[ws][codec]") {
  const auto i = abc();
  CHECK(
      encode_instrument(i) ==
      R"({"type":"instrument","id":3,"symbol":"ABC","name":"Abc \"Corp\"","currency":"USD","tick_size":"0.05","lot_size":10,)"
      R"("reference_price":"10.00","status":"trading"})");
  quote q{i.id, price{199}, quantity{20}, price{201}, quantity{30}, price{200}, timestamp{duration{1234}}, 8};
  CHECK(encode_quote(q, i) ==
        R"({"type":"quote","symbol":"ABC","seq":8,"bid":"9.95","bid_size":20,"ask":"10.05","ask_size":30,)"
        R"("last":"10.00","time":1234})");
  CHECK(encode_snapshot_end(4) == R"({"type":"snapshot_end","count":4})");
}

TEST_CASE("codec: acks, rejects and errors name the client order id", "[ws][codec]") {
  const auto i = abc();
  execution_report r;
  r.instrument = i.id;
  r.client_id = client_order_id{12};
  r.order = order_id{99};
  r.status = order_status::new_order;
  r.open_qty = quantity{30};
  CHECK(
      encode_ack(request_kind::new_order, r, i) ==
      R"({"type":"ack","request":"new","id":12,"symbol":"ABC","order_id":99,"status":"new","cum_qty":0,"open_qty":30})");
  CHECK(encode_reject(request_kind::cancel, client_order_id{12}, "ABC", reject_reason::unknown_order, "no \"such\"") ==
        R"({"type":"reject","request":"cancel","id":12,"symbol":"ABC","reason":"unknown_order","text":"no \"such\""})");
  CHECK(encode_error(codec_error::wrong_type, "bad", client_order_id{3}) ==
        R"({"type":"error","code":"wrong_type","text":"bad","id":3})");
  CHECK(encode_error(codec_error::binary_frame, "text frames only") ==
        R"({"type":"error","code":"binary_frame","text":"text frames only"})");
}

TEST_CASE("codec: execution reports carry the institution's sequence number", "[ws][codec]") {
  const auto i = abc();
  execution_report r;
  r.sequence = 77; // the instrument's: not on the wire
  r.time = timestamp{duration{5}};
  r.instrument = i.id;
  r.order = order_id{4};
  r.client_id = client_order_id{12};
  r.type = exec_type::trade;
  r.status = order_status::partially_filled;
  r.side = side::sell;
  r.order_price = price{201};
  r.order_qty = quantity{30};
  r.last_price = price{201};
  r.last_qty = quantity{10};
  r.cum_qty = quantity{10};
  r.open_qty = quantity{20};
  r.trade = trade_id{6};
  CHECK(encode_report(3, r, i) ==
        R"({"type":"report","seq":3,"symbol":"ABC","id":12,"order_id":4,"exec":"trade","status":"partially_filled",)"
        R"("side":"sell","order_type":"limit","tif":"gtc","price":"10.05","qty":30,"cum_qty":10,"open_qty":20,)"
        R"("last_price":"10.05","last_qty":10,"trade_id":6,"time":5})");

  execution_report rej;
  rej.instrument = i.id;
  rej.client_id = client_order_id{13};
  rej.type = exec_type::rejected;
  rej.status = order_status::rejected;
  rej.reason = reject_reason::instrument_halted;
  const auto text = encode_report(4, rej, i);
  CHECK(text.find(R"("reason":"instrument_halted","text":"the instrument is halted")") != std::string::npos);
  CHECK(text.find(R"("price")") == std::string::npos);
}

TEST_CASE("codec: a rejected execution report carries the reason and its sentence, and no price", "[ws][codec]") {
  const auto i = abc();
  execution_report rej;
  rej.time = timestamp{duration{9}};
  rej.instrument = i.id;
  rej.client_id = client_order_id{13};
  rej.order = order_id{0};
  rej.type = exec_type::rejected;
  rej.status = order_status::rejected;
  rej.side = side::buy;
  rej.ord_type = order_type::market;
  rej.tif = time_in_force::ioc;
  rej.order_qty = quantity{10};
  rej.reason = reject_reason::instrument_halted;
  CHECK(encode_report(4, rej, i) ==
        R"({"type":"report","seq":4,"symbol":"ABC","id":13,"order_id":0,"exec":"rejected","status":"rejected",)"
        R"("side":"buy","order_type":"market","tif":"ioc","qty":10,"cum_qty":0,"open_qty":0,)"
        R"("reason":"instrument_halted","text":"the instrument is halted","time":9})");
}

TEST_CASE("codec: requests encode every field in the documented order, the request number last", "[ws][codec]") {
  const auto i = abc();
  const institution_id alpha{1};
  CHECK(
      encode_request(new_order_request{alpha, client_order_id{5}, i.id, side::sell, order_type::limit,
                                       time_in_force::fok, price{201}, quantity{30}},
                     i) ==
      R"({"type":"new","id":5,"symbol":"ABC","side":"sell","order_type":"limit","tif":"fok","price":"10.05","qty":30})");
  CHECK(encode_request(new_order_request{alpha, client_order_id{6}, i.id, side::buy, order_type::market,
                                         time_in_force::ioc, std::nullopt, quantity{10}},
                       i, 1) ==
        R"({"type":"new","id":6,"symbol":"ABC","side":"buy","order_type":"market","tif":"ioc","qty":10,"req":1})");
  CHECK(encode_request(cancel_request{alpha, client_order_id{5}, i.id}, i, 3) ==
        R"({"type":"cancel","id":5,"symbol":"ABC","req":3})");
  CHECK(encode_request(replace_request{alpha, client_order_id{5}, i.id, price{199}, quantity{20}}, i) ==
        R"({"type":"replace","id":5,"symbol":"ABC","price":"9.95","qty":20})");
  CHECK(encode_request(replace_request{alpha, client_order_id{5}, i.id, std::nullopt, quantity{20}}, i, 2) ==
        R"({"type":"replace","id":5,"symbol":"ABC","qty":20,"req":2})");
}

TEST_CASE("codec: every encoded message is valid JSON", "[ws][codec]") {
  const auto i = abc();
  execution_report r;
  r.reason = reject_reason::queue_full;
  for (const auto& text : {encode_instrument(i), encode_snapshot_end(0), encode_report(1, r, i),
                           encode_error(codec_error::malformed_json, "\x01\n\t")}) {
    boost::system::error_code ec;
    (void)boost::json::parse(text, ec);
    CHECK_FALSE(ec.failed());
  }
}

TEST_CASE("codec: the request fast path reads what encode_request writes, the same as the parser", "[ws][codec]") {
  const auto i = abc();
  const institution_id alpha{1};
  const std::vector<std::string> texts{
      encode_request(new_order_request{alpha, client_order_id{5}, i.id, side::sell, order_type::limit,
                                       time_in_force::fok, price{201}, quantity{30}},
                     i),
      encode_request(new_order_request{alpha, client_order_id{6}, i.id, side::buy, order_type::market,
                                       time_in_force::ioc, std::nullopt, quantity{10}},
                     i, 1),
      encode_request(cancel_request{alpha, client_order_id{5}, i.id}, i),
      encode_request(cancel_request{alpha, client_order_id{5}, i.id}, i, 3),
      encode_request(replace_request{alpha, client_order_id{5}, i.id, price{199}, quantity{20}}, i, 2),
      encode_request(replace_request{alpha, client_order_id{5}, i.id, std::nullopt, quantity{20}}, i),
      encode_request(replace_request{alpha, client_order_id{5}, i.id, price{199}, std::nullopt}, i),
      // Not ours, in our shape: read as the parser reads them (the exchange rejects them later).
      R"({"type":"new","id":7,"symbol":"NOPE","side":"buy","order_type":"market","tif":"gtc","price":"x","qty":0})",
      R"({"type":"replace","id":8,"symbol":"ABC"})",
  };
  for (const auto& text : texts) {
    INFO(text);
    const auto fast = ws::detail::read_order_fast(text);
    REQUIRE(fast.has_value());
    const auto general = ws::detail::decode_order_parsed(text);
    REQUIRE(general.has_value());
    CHECK(*fast == *general);
    const auto both = decode_order_message(text);
    REQUIRE(both.has_value());
    CHECK(*both == *general);
  }
}

TEST_CASE("codec: a request in another shape goes to the parser, which names its errors", "[ws][codec]") {
  const std::string defaults = R"({"type":"new","id":1,"symbol":"ABC","side":"buy","price":"10.00","qty":10})";
  const std::string spaced = R"({"type":"cancel", "id":1,"symbol":"ABC"})";
  const std::string big_id = R"({"type":"cancel","id":18446744073709551615,"symbol":"ABC"})";
  const std::string negative = R"({"type":"replace","id":1,"symbol":"ABC","qty":-5})";
  const std::string trailing = R"({"type":"cancel","id":1,"symbol":"ABC"} )";
  for (const auto& text : {defaults, spaced, big_id, negative, trailing}) {
    INFO(text);
    CHECK_FALSE(ws::detail::read_order_fast(text).has_value());
    const auto m = decode_order_message(text);
    REQUIRE(m.has_value());
    CHECK(*m == *ws::detail::decode_order_parsed(text));
  }
  const auto head = std::string(R"({"type":"new","id":1,"symbol":"ABC",)");
  const auto fast_then_error = [](const std::string& text) {
    CHECK_FALSE(ws::detail::read_order_fast(text).has_value());
    return order_error(text);
  };
  CHECK(fast_then_error(head + R"("side":"up","order_type":"limit","tif":"gtc","price":"1","qty":1})") ==
        R"(invalid_value: field "side" is "up"; expected one of buy, sell)");
  CHECK(fast_then_error(R"({"type":"new","id":0,"symbol":"ABC","side":"buy","qty":1})") ==
        R"(invalid_value: field "id" must be a positive integer)");
  CHECK(fast_then_error(head + R"("side":"buy","order_type":"limit","tif":"gtc","qty":1,"req":0})") ==
        R"(invalid_value: field "req" must be a positive integer)");
  CHECK(fast_then_error(head + R"("side":"buy","order_type":"limit","tif":"gtc","qty":1}x)")
            .starts_with("malformed_json"));
}
