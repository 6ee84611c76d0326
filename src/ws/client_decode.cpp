#include "minibroker/ws/client_decode.hpp"

#include <fmt/format.h>

#include "client_decode_paths.hpp"
#include "field_reader.hpp"

namespace minibroker::ws {
namespace {

using namespace detail;

// Text to enum by the enum's own to_string(), for the enums core has no parser for.
template <class E, std::size_t N>
std::optional<E> by_name(std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (to_string(static_cast<E>(i)) == text) {
      return static_cast<E>(i);
    }
  }
  return std::nullopt;
}

std::optional<request_kind> request_kind_from_string(std::string_view text) { return by_name<request_kind, 3>(text); }
std::optional<codec_error> codec_error_from_string(std::string_view text) {
  for (std::size_t i = 1; i <= codec_error_count; ++i) {
    if (to_string(static_cast<codec_error>(i)) == text) {
      return static_cast<codec_error>(i);
    }
  }
  return std::nullopt;
}

class message_reader {
public:
  message_reader(field_reader& r, const instrument_directory& instruments) : r_(r), instruments_(instruments) {}

  const instrument* symbol(std::string_view key = "symbol") {
    const auto s = r_.string(key, true);
    if (!s) {
      return nullptr;
    }
    const instrument* i = instruments_.find(*s);
    if (i == nullptr) {
      r_.fail(codec_error::invalid_value, fmt::format("unknown symbol \"{}\"", *s));
    }
    return i;
  }

  price px(std::string_view key, decimal tick, bool required = true) {
    const auto s = r_.string(key, required);
    if (!s) {
      return price{0};
    }
    auto p = parse_price(*s, tick);
    if (!p) {
      r_.fail(codec_error::invalid_value, fmt::format("field \"{}\": \"{}\" {}", key, *s, p.error().message()));
      return price{0};
    }
    return *p;
  }

  quantity qty(std::string_view key, bool required = true) { return quantity{r_.integer(key, required).value_or(0)}; }

  std::uint64_t count(std::string_view key, bool required = true) {
    const auto n = r_.integer(key, required).value_or(0);
    if (n < 0) {
      r_.fail(codec_error::invalid_value, fmt::format("field \"{}\" must not be negative", key));
    }
    return static_cast<std::uint64_t>(n);
  }

  template <class E, class Parse>
  E named(std::string_view key, Parse parse, E fallback, bool required = true) {
    return r_.enumeration<E>(key, required, parse, "the names in docs/protocol.md").value_or(fallback);
  }

private:
  field_reader& r_;
  const instrument_directory& instruments_;
};

instrument read_instrument(field_reader& r, message_reader& m) {
  r.only({"type", "id", "symbol", "name", "currency", "tick_size", "lot_size", "reference_price", "status"});
  instrument i;
  i.id = instrument_id{static_cast<std::uint32_t>(m.count("id"))};
  i.symbol = r.string("symbol", true).value_or("");
  i.name = r.string("name", true).value_or("");
  i.currency = r.string("currency", true).value_or("");
  if (const auto tick = r.string("tick_size", true)) {
    auto d = decimal::parse(*tick);
    if (!d || d->mantissa() <= 0) {
      r.fail(codec_error::invalid_value, fmt::format("field \"tick_size\": \"{}\" is not a positive decimal", *tick));
    } else {
      i.tick_size = *d;
    }
  }
  i.lot_size = m.qty("lot_size");
  i.reference_price = m.px("reference_price", i.tick_size);
  i.status = m.named<instrument_status>("status", by_name<instrument_status, 2>, instrument_status::trading);
  return i;
}

quote read_quote(field_reader& r, message_reader& m) {
  r.only({"type", "symbol", "seq", "bid", "bid_size", "ask", "ask_size", "last", "time"});
  quote q;
  const instrument* i = m.symbol();
  const decimal tick = i != nullptr ? i->tick_size : decimal{1, 0};
  q.instrument = i != nullptr ? i->id : instrument_id{};
  q.sequence = m.count("seq");
  q.bid = m.px("bid", tick);
  q.bid_size = m.qty("bid_size");
  q.ask = m.px("ask", tick);
  q.ask_size = m.qty("ask_size");
  q.last = m.px("last", tick);
  q.time = timestamp{duration{r.integer("time", true).value_or(0)}};
  return q;
}

ack_message read_ack(field_reader& r, message_reader& m) {
  r.only({"type", "request", "id", "symbol", "order_id", "status", "cum_qty", "open_qty"});
  ack_message a;
  a.kind = m.named<request_kind>("request", request_kind_from_string, request_kind::new_order);
  a.id = r.client_id("id").value_or(client_order_id{});
  a.symbol = r.string("symbol", true).value_or("");
  a.order = order_id{m.count("order_id")};
  a.status = m.named<order_status>("status", order_status_from_string, order_status::new_order);
  a.cum_qty = m.qty("cum_qty");
  a.open_qty = m.qty("open_qty");
  return a;
}

reject_message read_reject(field_reader& r, message_reader& m) {
  r.only({"type", "request", "id", "symbol", "reason", "text"});
  reject_message j;
  j.kind = m.named<request_kind>("request", request_kind_from_string, request_kind::new_order);
  j.id = r.client_id("id").value_or(client_order_id{});
  j.symbol = r.string("symbol", true).value_or("");
  j.reason = m.named<reject_reason>("reason", reject_reason_from_string, reject_reason::none);
  j.text = r.string("text", true).value_or("");
  return j;
}

error_message read_error(field_reader& r, message_reader& m) {
  r.only({"type", "code", "text", "id"});
  error_message e;
  e.code = m.named<codec_error>("code", codec_error_from_string, codec_error::malformed_json);
  e.text = r.string("text", true).value_or("");
  if (r.field("id", false) != nullptr) {
    e.id = r.client_id("id");
  }
  return e;
}

report_message read_report(field_reader& r, message_reader& m) {
  r.only({"type",  "seq", "symbol",  "id",       "order_id",   "exec",     "status",   "side",   "order_type", "tif",
          "price", "qty", "cum_qty", "open_qty", "last_price", "last_qty", "trade_id", "reason", "text",       "time"});
  report_message out;
  auto& e = out.report;
  out.seq = m.count("seq");
  const instrument* i = m.symbol();
  const decimal tick = i != nullptr ? i->tick_size : decimal{1, 0};
  e.instrument = i != nullptr ? i->id : instrument_id{};
  e.client_id = r.client_id("id").value_or(client_order_id{});
  e.order = order_id{m.count("order_id")};
  e.type = m.named<exec_type>("exec", by_name<exec_type, exec_type_count>, exec_type::new_order);
  e.status = m.named<order_status>("status", order_status_from_string, order_status::new_order);
  e.side = m.named<side>("side", side_from_string, side::buy);
  e.ord_type = m.named<order_type>("order_type", order_type_from_string, order_type::limit);
  e.tif = m.named<time_in_force>("tif", time_in_force_from_string, time_in_force::gtc);
  e.order_price = m.px("price", tick, false);
  e.order_qty = m.qty("qty");
  e.cum_qty = m.qty("cum_qty");
  e.open_qty = m.qty("open_qty");
  e.last_price = m.px("last_price", tick, false);
  e.last_qty = m.qty("last_qty", false);
  e.trade = trade_id{m.count("trade_id", false)};
  e.reason = m.named<reject_reason>("reason", reject_reason_from_string, reject_reason::none, false);
  (void)r.string("text", false);
  e.time = timestamp{duration{r.integer("time", true).value_or(0)}};
  return out;
}

} // namespace

boost::system::result<server_message, decode_error> decode_server_message(std::string_view text,
                                                                          const instrument_directory& instruments) {
  if (auto q = detail::read_quote_fast(text, instruments)) {
    return *q;
  }
  if (auto a = detail::read_ack_fast(text)) {
    return std::move(*a);
  }
  return detail::decode_parsed(text, instruments);
}

namespace detail {

boost::system::result<server_message, decode_error> decode_parsed(std::string_view text,
                                                                  const instrument_directory& instruments) {
  json::value storage;
  auto object = parse_object(text, storage, {});
  if (!object) {
    return object.error();
  }
  field_reader r(**object);
  message_reader m(r, instruments);
  const auto type = r.string("type", true);
  if (r.failed()) {
    return r.take_error();
  }
  server_message out;
  if (*type == "instrument") {
    out = read_instrument(r, m);
  } else if (*type == "quote") {
    out = read_quote(r, m);
  } else if (*type == "snapshot_end") {
    r.only({"type", "count"});
    out = snapshot_end_message{m.count("count")};
  } else if (*type == "ack") {
    out = read_ack(r, m);
  } else if (*type == "reject") {
    out = read_reject(r, m);
  } else if (*type == "error") {
    out = read_error(r, m);
  } else if (*type == "report") {
    out = read_report(r, m);
  } else {
    return decode_error{codec_error::unknown_type, fmt::format("unknown message type \"{}\"", *type), std::nullopt};
  }
  if (r.failed()) {
    return r.take_error();
  }
  return out;
}

} // namespace detail

} // namespace minibroker::ws
