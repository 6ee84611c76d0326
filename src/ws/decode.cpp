#include "minibroker/ws/decode.hpp"

#include <array>
#include <initializer_list>
#include <limits>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

namespace minibroker::ws {
namespace {

namespace json = boost::json;

std::string_view json_kind(const json::value& v) noexcept {
  switch (v.kind()) {
  case json::kind::null: return "null";
  case json::kind::bool_: return "a boolean";
  case json::kind::int64:
  case json::kind::uint64: return "an integer";
  case json::kind::double_: return "a number with a fraction or exponent";
  case json::kind::string: return "a string";
  case json::kind::array: return "an array";
  case json::kind::object: return "an object";
  }
  return "a value";
}

// Reads the fields of one message object. After the first error every read returns nullopt and
// error() keeps that first error, so a decoder reads straight through and checks once.
class field_reader {
public:
  explicit field_reader(const json::object& o) : o_(o) {}

  void set_id(client_order_id id) { id_ = id; }
  [[nodiscard]] bool failed() const noexcept { return error_.has_value(); }
  [[nodiscard]] decode_error take_error() { return std::move(*error_); }

  // Every field of the object must be one of `allowed`.
  void only(std::initializer_list<std::string_view> allowed) {
    if (failed()) {
      return;
    }
    for (const auto& kv : o_) {
      bool known = false;
      for (const auto name : allowed) {
        known = known || kv.key() == name;
      }
      if (!known) {
        std::string names;
        for (const auto name : allowed) {
          names += names.empty() ? "" : ", ";
          names += name;
        }
        fail(codec_error::unknown_field, fmt::format("unknown field \"{}\" (expected: {})", kv.key(), names));
        return;
      }
    }
  }

  const json::value* field(std::string_view key, bool required) {
    if (failed()) {
      return nullptr;
    }
    const auto* v = o_.if_contains(key);
    if (v == nullptr && required) {
      fail(codec_error::missing_field, fmt::format("missing field \"{}\"", key));
    }
    return v;
  }

  std::optional<std::string> string(std::string_view key, bool required) {
    const auto* v = field(key, required);
    if (v == nullptr) {
      return std::nullopt;
    }
    if (!v->is_string()) {
      wrong_type(key, "a string", *v);
      return std::nullopt;
    }
    return std::string(v->get_string());
  }

  std::optional<std::int64_t> integer(std::string_view key, bool required) {
    const auto* v = field(key, required);
    if (v == nullptr) {
      return std::nullopt;
    }
    if (v->is_int64()) {
      return v->get_int64();
    }
    if (v->is_uint64()) {
      fail(codec_error::invalid_value, fmt::format("field \"{}\" is out of range", key));
      return std::nullopt;
    }
    wrong_type(key, "an integer", *v);
    return std::nullopt;
  }

  // A client order id: an integer from 1 to 2^64-1.
  std::optional<client_order_id> client_id(std::string_view key) {
    const auto* v = field(key, true);
    if (v == nullptr) {
      return std::nullopt;
    }
    std::uint64_t n = 0;
    if (v->is_uint64()) {
      n = v->get_uint64();
    } else if (v->is_int64() && v->get_int64() > 0) {
      n = static_cast<std::uint64_t>(v->get_int64());
    } else if (v->is_int64()) {
      fail(codec_error::invalid_value, fmt::format("field \"{}\" must be a positive integer", key));
      return std::nullopt;
    } else {
      wrong_type(key, "a positive integer", *v);
      return std::nullopt;
    }
    return client_order_id{n};
  }

  // A text field naming an enum value: `parse` maps the text, `names` lists the valid ones.
  template <class E, class Parse>
  std::optional<E> enumeration(std::string_view key, bool required, Parse parse, std::string_view names) {
    const auto text = string(key, required);
    if (!text) {
      return std::nullopt;
    }
    const std::optional<E> value = parse(*text);
    if (!value) {
      fail(codec_error::invalid_value, fmt::format("field \"{}\" is \"{}\"; expected one of {}", key, *text, names));
    }
    return value;
  }

  void fail(codec_error code, std::string text) {
    if (!failed()) {
      error_ = decode_error{code, std::move(text), id_};
    }
  }

private:
  void wrong_type(std::string_view key, std::string_view expected, const json::value& v) {
    fail(codec_error::wrong_type, fmt::format("field \"{}\" must be {}, not {}", key, expected, json_kind(v)));
  }

  const json::object& o_;
  std::optional<client_order_id> id_;
  std::optional<decode_error> error_;
};

// Parses `text` as one JSON object into `storage`.
boost::system::result<const json::object*, decode_error> parse_object(std::string_view text, json::value& storage,
                                                                      json::storage_ptr resource) {
  boost::system::error_code ec;
  storage = json::parse(text, ec, std::move(resource));
  if (ec) {
    return decode_error{codec_error::malformed_json, fmt::format("not valid JSON: {}", ec.message()), std::nullopt};
  }
  if (!storage.is_object()) {
    return decode_error{codec_error::not_an_object,
                        fmt::format("a message must be a JSON object, not {}", json_kind(storage)), std::nullopt};
  }
  return &storage.get_object();
}

// The "type" field, required and a string.
std::optional<std::string> message_type(field_reader& r) { return r.string("type", true); }

constexpr std::string_view side_names = "buy, sell";
constexpr std::string_view order_type_names = "limit, market";
constexpr std::string_view tif_names = "gtc, ioc, fok";

order_message read_new(field_reader& r, client_order_id id) {
  r.only({"type", "id", "symbol", "side", "order_type", "tif", "price", "qty"});
  new_order_message m;
  m.id = id;
  m.symbol = r.string("symbol", true).value_or("");
  m.order_side = r.enumeration<side>("side", true, side_from_string, side_names).value_or(side::buy);
  m.type = r.enumeration<order_type>("order_type", false, order_type_from_string, order_type_names)
               .value_or(order_type::limit);
  m.tif = r.enumeration<time_in_force>("tif", false, time_in_force_from_string, tif_names).value_or(time_in_force::gtc);
  m.price = r.string("price", false);
  m.qty = quantity{r.integer("qty", true).value_or(0)};
  return m;
}

order_message read_cancel(field_reader& r, client_order_id id) {
  r.only({"type", "id", "symbol"});
  cancel_message m;
  m.id = id;
  m.symbol = r.string("symbol", true).value_or("");
  return m;
}

order_message read_replace(field_reader& r, client_order_id id) {
  r.only({"type", "id", "symbol", "price", "qty"});
  replace_message m;
  m.id = id;
  m.symbol = r.string("symbol", true).value_or("");
  m.price = r.string("price", false);
  if (const auto q = r.integer("qty", false)) {
    m.qty = quantity{*q};
  }
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
