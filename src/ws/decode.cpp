#include "minibroker/ws/decode.hpp"

#include <array>
#include <initializer_list>
#include <limits>

#include <boost/json/monotonic_resource.hpp>
#include <fmt/format.h>

#include "field_reader.hpp"
#include "json_scanner.hpp"
#include "order_decode_paths.hpp"

namespace minibroker::ws {
namespace {

using namespace detail;

// The "type" field, required and a string.
std::optional<std::string> message_type(field_reader& r) { return r.string("type", true); }

constexpr std::string_view side_names = "buy, sell";
constexpr std::string_view order_type_names = "limit, market";
constexpr std::string_view tif_names = "gtc, ioc, fok";

// "req", optional: a positive integer.
std::optional<std::uint64_t> request_number(field_reader& r) {
  const auto n = r.integer("req", false);
  if (n && *n <= 0) {
    r.fail(codec_error::invalid_value, "field \"req\" must be a positive integer");
    return std::nullopt;
  }
  return n ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(*n)) : std::nullopt;
}

order_message read_new(field_reader& r, client_order_id id) {
  r.only({"type", "id", "symbol", "side", "order_type", "tif", "price", "qty", "req"});
  new_order_message m;
  m.id = id;
  m.symbol = r.string("symbol", true).value_or("");
  m.order_side = r.enumeration<side>("side", true, side_from_string, side_names).value_or(side::buy);
  m.type = r.enumeration<order_type>("order_type", false, order_type_from_string, order_type_names)
               .value_or(order_type::limit);
  m.tif = r.enumeration<time_in_force>("tif", false, time_in_force_from_string, tif_names).value_or(time_in_force::gtc);
  m.price = r.string("price", false);
  m.qty = quantity{r.integer("qty", true).value_or(0)};
  m.req = request_number(r);
  return m;
}

order_message read_cancel(field_reader& r, client_order_id id) {
  r.only({"type", "id", "symbol", "req"});
  cancel_message m;
  m.id = id;
  m.symbol = r.string("symbol", true).value_or("");
  m.req = request_number(r);
  return m;
}

order_message read_replace(field_reader& r, client_order_id id) {
  r.only({"type", "id", "symbol", "price", "qty", "req"});
  replace_message m;
  m.id = id;
  m.symbol = r.string("symbol", true).value_or("");
  m.price = r.string("price", false);
  if (const auto q = r.integer("qty", false)) {
    m.qty = quantity{*q};
  }
  m.req = request_number(r);
  return m;
}

} // namespace

boost::system::result<order_message, decode_error> decode_order_message(std::string_view text) {
  if (auto m = detail::read_order_fast(text)) {
    return std::move(*m);
  }
  return detail::decode_order_parsed(text);
}

std::optional<order_message> detail::read_order_fast(std::string_view text) {
  json_scanner s(text);
  std::optional<std::int64_t> id;
  std::optional<std::string_view> symbol;
  const auto head = [&] { // ,"id":N,"symbol":"S" after the type
    return s.literal(R"(,"id":)") && (id = s.positive()) && s.literal(R"(,"symbol":)") && (symbol = s.string());
  };
  // ,"req":N} or } : the end of every request
  std::optional<std::uint64_t> req;
  const auto tail = [&] {
    if (s.literal(R"(,"req":)")) {
      const auto n = s.positive();
      if (!n) {
        return false;
      }
      req = static_cast<std::uint64_t>(*n);
    }
    return s.literal("}") && s.at_end();
  };
  // ,"price":"P" when present
  std::optional<std::string> price;
  bool bad_price = false;
  const auto optional_price = [&] {
    if (s.literal(R"(,"price":)")) {
      const auto p = s.string();
      bad_price = !p;
      if (p) {
        price.emplace(*p);
      }
    }
    return !bad_price;
  };
  if (s.literal(R"({"type":"new")")) {
    std::optional<std::string_view> side_text, type_text, tif_text;
    std::optional<std::int64_t> qty;
    const bool whole = head() && s.literal(R"(,"side":)") && (side_text = s.string()) &&
                       s.literal(R"(,"order_type":)") && (type_text = s.string()) && s.literal(R"(,"tif":)") &&
                       (tif_text = s.string()) && optional_price() && s.literal(R"(,"qty":)") && (qty = s.natural()) &&
                       tail();
    if (!whole) {
      return std::nullopt;
    }
    const auto sd = side_from_string(*side_text);
    const auto type = order_type_from_string(*type_text);
    const auto tif = time_in_force_from_string(*tif_text);
    if (!sd || !type || !tif) {
      return std::nullopt;
    }
    return new_order_message{client_order_id{static_cast<std::uint64_t>(*id)},
                             std::string(*symbol),
                             *sd,
                             *type,
                             *tif,
                             std::move(price),
                             quantity{*qty},
                             req};
  }
  if (s.literal(R"({"type":"cancel")")) {
    if (!(head() && tail())) {
      return std::nullopt;
    }
    return cancel_message{client_order_id{static_cast<std::uint64_t>(*id)}, std::string(*symbol), req};
  }
  if (s.literal(R"({"type":"replace")")) {
    std::optional<quantity> qty;
    const auto optional_qty = [&] {
      if (!s.literal(R"(,"qty":)")) {
        return true;
      }
      const auto n = s.natural();
      if (n) {
        qty = quantity{*n};
      }
      return n.has_value();
    };
    if (!(head() && optional_price() && optional_qty() && tail())) {
      return std::nullopt;
    }
    return replace_message{client_order_id{static_cast<std::uint64_t>(*id)}, std::string(*symbol), std::move(price),
                           qty, req};
  }
  return std::nullopt;
}

boost::system::result<order_message, decode_error> detail::decode_order_parsed(std::string_view text) {
  std::array<unsigned char, 4096> buffer; // most messages parse without touching the heap
  json::monotonic_resource resource(buffer.data(), buffer.size());
  json::value storage;
  auto object = parse_object(text, storage, &resource);
  if (!object) {
    return object.error();
  }
  field_reader r(**object);
  const auto type = message_type(r);
  if (r.failed()) {
    return r.take_error();
  }
  if (*type != "new" && *type != "cancel" && *type != "replace") {
    return decode_error{codec_error::unknown_type,
                        fmt::format("unknown message type \"{}\" (expected: new, cancel, replace)", *type),
                        std::nullopt};
  }
  const auto id = r.client_id("id");
  if (r.failed()) {
    return r.take_error();
  }
  r.set_id(*id);
  order_message m = *type == "new" ? read_new(r, *id) : *type == "cancel" ? read_cancel(r, *id) : read_replace(r, *id);
  if (r.failed()) {
    return r.take_error();
  }
  return m;
}

boost::system::result<quote_subscription, decode_error> decode_quote_subscription(std::string_view text) {
  json::value storage;
  auto object = parse_object(text, storage, {});
  if (!object) {
    return object.error();
  }
  field_reader r(**object);
  const auto type = message_type(r);
  if (r.failed()) {
    return r.take_error();
  }
  if (*type != "subscribe") {
    return decode_error{codec_error::unknown_type,
                        fmt::format("unknown message type \"{}\" (expected: subscribe)", *type), std::nullopt};
  }
  r.only({"type", "symbols"});
  quote_subscription s;
  if (const auto* symbols = r.field("symbols", false)) {
    if (!symbols->is_array()) {
      r.fail(codec_error::wrong_type,
             fmt::format("field \"symbols\" must be an array of strings, not {}", json_kind(*symbols)));
    } else {
      for (const auto& v : symbols->get_array()) {
        if (!v.is_string()) {
          r.fail(codec_error::wrong_type,
                 fmt::format("field \"symbols\" must be an array of strings; found {}", json_kind(v)));
          break;
        }
        s.symbols.emplace_back(v.get_string());
      }
    }
  }
  if (r.failed()) {
    return r.take_error();
  }
  return s;
}

} // namespace minibroker::ws
