#include "minibroker/ws/decode.hpp"

#include <array>
#include <initializer_list>
#include <limits>

#include <boost/json/monotonic_resource.hpp>
#include <fmt/format.h>

#include "field_reader.hpp"

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
