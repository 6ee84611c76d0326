#include <catch2/catch.hpp>

#include "minibroker/ws/client_decode.hpp"
#include "minibroker/ws/encode.hpp"

#include "client_decode_paths.hpp"

using namespace minibroker;
using namespace minibroker::ws;

namespace {

instrument halted_abc() {
  instrument i;
  i.id = instrument_id{3};
  i.symbol = "ABC";
  i.name = "Abc \"Corp\"";
  i.currency = "USD";
  i.tick_size = decimal{5, 2};
  i.lot_size = quantity{10};
  i.reference_price = price{200};
  i.status = instrument_status::halted;
  return i;
}

instrument_directory known() {
  instrument_directory d;
  d.put(halted_abc());
  return d;
}

template <class T>
T decoded(const std::string& text) {
  auto r = decode_server_message(text, known());
  REQUIRE(r.has_value());
  REQUIRE(std::holds_alternative<T>(*r));
  return std::get<T>(*r);
}

} // namespace

TEST_CASE("client codec: instruments and quotes round-trip", "[ws][client_codec]") {
  const auto i = decoded<instrument>(encode_instrument(halted_abc()));
  CHECK(i.id == instrument_id{3});
  CHECK(i.symbol == "ABC");
  CHECK(i.name == "Abc \"Corp\"");
  CHECK(i.tick_size == decimal{5, 2});
  CHECK(i.lot_size == quantity{10});
  CHECK(i.reference_price == price{200});
  CHECK(i.status == instrument_status::halted);

  const quote q{instrument_id{3},          price{199}, quantity{20}, price{201}, quantity{30}, price{200},
                timestamp{duration{1234}}, 8};
  const auto back = decoded<quote>(encode_quote(q, halted_abc()));
  CHECK(fmt::format("{}", back) == fmt::format("{}", q));
  CHECK(decoded<snapshot_end_message>(encode_snapshot_end(4)).count == 4);
}

TEST_CASE("client codec: acks, rejects and errors round-trip", "[ws][client_codec]") {
  execution_report r;
  r.instrument = instrument_id{3};
  r.client_id = client_order_id{12};
  r.order = order_id{99};
  r.status = order_status::partially_filled;
  r.cum_qty = quantity{10};
  r.open_qty = quantity{20};
  const auto a = decoded<ack_message>(encode_ack(request_kind::replace, r, halted_abc()));
  CHECK(a.kind == request_kind::replace);
  CHECK(a.id == client_order_id{12});
  CHECK(a.order == order_id{99});
  CHECK(a.status == order_status::partially_filled);
  CHECK(a.open_qty == quantity{20});

  const auto j = decoded<reject_message>(
      encode_reject(request_kind::cancel, client_order_id{5}, "ABC", reject_reason::unknown_order, "gone"));
  CHECK(j.kind == request_kind::cancel);
  CHECK(j.id == client_order_id{5});
  CHECK(j.reason == reject_reason::unknown_order);
  CHECK(j.text == "gone");

  const auto e = decoded<error_message>(encode_error(codec_error::missing_field, "missing", client_order_id{4}));
  CHECK(e.code == codec_error::missing_field);
  CHECK(e.id == client_order_id{4});
  CHECK_FALSE(decoded<error_message>(encode_error(codec_error::binary_frame, "x")).id.has_value());
}

TEST_CASE("client codec: execution reports round-trip", "[ws][client_codec]") {
  execution_report r;
  r.time = timestamp{duration{5}};
  r.instrument = instrument_id{3};
  r.order = order_id{4};
  r.client_id = client_order_id{12};
  r.type = exec_type::trade;
  r.status = order_status::partially_filled;
  r.side = side::sell;
  r.tif = time_in_force::ioc;
  r.order_price = price{201};
  r.order_qty = quantity{30};
  r.last_price = price{201};
  r.last_qty = quantity{10};
  r.cum_qty = quantity{10};
  r.open_qty = quantity{20};
  r.trade = trade_id{6};
  const auto m = decoded<report_message>(encode_report(7, r, halted_abc()));
  CHECK(m.seq == 7);
  CHECK(fmt::format("{}", m.report) == fmt::format("{}", r));
  CHECK(m.report.time == r.time);

  execution_report rej;
  rej.instrument = instrument_id{3};
  rej.client_id = client_order_id{13};
  rej.type = exec_type::rejected;
  rej.status = order_status::rejected;
  rej.reason = reject_reason::instrument_halted;
  const auto back = decoded<report_message>(encode_report(8, rej, halted_abc()));
  CHECK(fmt::format("{}", back.report) == fmt::format("{}", rej));
}

TEST_CASE("client codec: unknown symbols, types and bad prices are specific errors", "[ws][client_codec]") {
  auto error = [](std::string_view text) {
    auto r = decode_server_message(text, known());
    REQUIRE_FALSE(r.has_value());
    return std::string(to_string(r.error().code)) + ": " + r.error().text;
  };
  CHECK(error(R"({"type":"quote","symbol":"XYZ","seq":1,"bid":"1","bid_size":1,"ask":"1","ask_size":1,)"
              R"("last":"1","time":0})") == R"(invalid_value: unknown symbol "XYZ")");
  CHECK(error(R"({"type":"pong"})") == R"(unknown_type: unknown message type "pong")");
  CHECK(error(R"({"type":"snapshot_end","count":-1})") == R"(invalid_value: field "count" must not be negative)");
  CHECK(error(R"({"type":"quote","symbol":"ABC","seq":1,"bid":"9.99","bid_size":1,"ask":"1","ask_size":1,)"
              R"("last":"1","time":0})")
            .starts_with(R"(invalid_value: field "bid": "9.99")"));
  CHECK(error("[]").starts_with("not_an_object"));
}

TEST_CASE("client codec: the quote fast path reads what encode_quote writes, and leaves the rest to the parser",
          "[ws][client_codec]") {
  const quote q{instrument_id{3},          price{199}, quantity{20}, price{201}, quantity{30}, price{200},
                timestamp{duration{1234}}, 8};
  const auto fast = ws::detail::read_quote_fast(encode_quote(q, halted_abc()), known());
  REQUIRE(fast.has_value());
  CHECK(fmt::format("{}", *fast) == fmt::format("{}", q));
  CHECK(fast->time == q.time);
  quote now = q;
  now.time = timestamp{duration{1'764'137'000'123'456'789}}; // nanoseconds: 19 digits
  now.sequence = 9'223'372'036'854'775'807;
  const auto encoded = encode_quote(now, halted_abc());
  CHECK(encoded == R"({"type":"quote","symbol":"ABC","seq":9223372036854775807,"bid":"9.95","bid_size":20,)"
                   R"("ask":"10.05","ask_size":30,"last":"10.00","time":1764137000123456789})");
  REQUIRE(ws::detail::read_quote_fast(encoded, known()).has_value());
  CHECK(ws::detail::read_quote_fast(encoded, known())->time == now.time);
  CHECK(ws::detail::read_quote_fast(encoded, known())->sequence == now.sequence);

  // Valid JSON in another form: the general decoder reads it, to the same quote.
  const std::string spaced = R"({"type": "quote","symbol":"ABC","seq":8,"bid":"9.95","bid_size":20,"ask":"10.05",)"
                             R"("ask_size":30,"last":"10.00","time":1234})";
  const std::string escaped = R"({"type":"quote","symbol":"\u0041BC","seq":8,"bid":"9.95","bid_size":20,)"
                              R"("ask":"10.05","ask_size":30,"last":"10.00","time":1234})";
  const std::string reordered = R"({"symbol":"ABC","type":"quote","seq":8,"bid":"9.95","bid_size":20,"ask":"10.05",)"
                                R"("ask_size":30,"last":"10.00","time":1234})";
  for (const auto& other : {spaced, escaped, reordered}) {
    CHECK_FALSE(ws::detail::read_quote_fast(other, known()).has_value());
    CHECK(fmt::format("{}", decoded<quote>(other)) == fmt::format("{}", q));
  }

  // Not valid, or not a quote it can read: the general decoder's specific errors.
  auto error = [](std::string_view text) {
    CHECK_FALSE(ws::detail::read_quote_fast(text, known()).has_value());
    auto r = decode_server_message(text, known());
    REQUIRE_FALSE(r.has_value());
    return r.error().code;
  };
  const std::string head = R"({"type":"quote","symbol":"ABC","seq":)";
  const std::string tail = R"(,"bid":"9.95","bid_size":20,"ask":"10.05","ask_size":30,"last":"10.00","time":1234})";
  CHECK(error(head + "01" + tail) == codec_error::malformed_json);
  CHECK(error(head + "-1" + tail) == codec_error::invalid_value);
  CHECK(error(head + "9223372036854775808" + tail) == codec_error::invalid_value);
  CHECK(error(head + "8" + tail.substr(0, tail.size() - 5) + "9223372036854775808}") == codec_error::invalid_value);
  CHECK(error(head + "1.5" + tail) == codec_error::wrong_type);
  CHECK(error(head + "8" + tail + " x") == codec_error::malformed_json);
  CHECK(error(head + "8" + tail.substr(0, tail.size() - 1) + R"(,"extra":1})") == codec_error::unknown_field);
  CHECK(error(R"({"type":"quote","symbol":"ABC","seq":8,"bid":"9.97","bid_size":20,"ask":"10.05","ask_size":30,)"
              R"("last":"10.00","time":1234})") == codec_error::invalid_value);
}

TEST_CASE("client codec: the ack fast path reads what encode_ack writes, the same as the parser",
          "[ws][client_codec]") {
  execution_report r;
  r.instrument = instrument_id{3};
  r.client_id = client_order_id{9'223'372'036'854'775'807};
  r.order = order_id{41};
  r.status = order_status::partially_filled;
  r.cum_qty = quantity{10};
  r.open_qty = quantity{20};
  for (const auto kind : {request_kind::new_order, request_kind::cancel, request_kind::replace}) {
    const auto text = encode_ack(kind, r, halted_abc());
    const auto fast = ws::detail::read_ack_fast(text);
    REQUIRE(fast.has_value());
    const auto general = ws::detail::decode_parsed(text, known());
    REQUIRE(general.has_value());
    REQUIRE(std::holds_alternative<ack_message>(*general));
    CHECK(*fast == std::get<ack_message>(*general));
    CHECK(fast->kind == kind);
    CHECK(fast->id == r.client_id);
    CHECK(fast->symbol == "ABC");
    CHECK(fast->order == order_id{41});
    CHECK(fast->status == order_status::partially_filled);
    CHECK(fast->open_qty == quantity{20});
  }

  // Another form, a value outside what the fast path reads, or an unknown name: the parser's
  // answer, value or error.
  const std::string spaced = R"({"type":"ack", "request":"new","id":12,"symbol":"ABC","order_id":99,"status":"new",)"
                             R"("cum_qty":0,"open_qty":30})";
  const std::string big_id = R"({"type":"ack","request":"new","id":18446744073709551615,"symbol":"ABC",)"
                             R"("order_id":99,"status":"new","cum_qty":0,"open_qty":30})";
  CHECK_FALSE(ws::detail::read_ack_fast(spaced).has_value());
  CHECK(decoded<ack_message>(spaced).order == order_id{99});
  CHECK_FALSE(ws::detail::read_ack_fast(big_id).has_value());
  CHECK(decoded<ack_message>(big_id).id == client_order_id{18'446'744'073'709'551'615ULL});
  const auto error = [](std::string_view text) {
    CHECK_FALSE(ws::detail::read_ack_fast(text).has_value());
    auto e = decode_server_message(text, known());
    REQUIRE_FALSE(e.has_value());
    return e.error().code;
  };
  CHECK(error(R"({"type":"ack","request":"buy","id":12,"symbol":"ABC","order_id":99,"status":"new","cum_qty":0,)"
              R"("open_qty":30})") == codec_error::invalid_value);
  CHECK(error(R"({"type":"ack","request":"new","id":0,"symbol":"ABC","order_id":99,"status":"new","cum_qty":0,)"
              R"("open_qty":30})") == codec_error::invalid_value);
  CHECK(error(R"({"type":"ack","request":"new","id":12,"symbol":"ABC","order_id":99,"status":"new","cum_qty":0,)"
              R"("open_qty":30,"x":1})") == codec_error::unknown_field);
}
