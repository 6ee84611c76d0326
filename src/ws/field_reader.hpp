#pragma once
// Internal: reading the fields of one JSON message object, for the decoders. After the first error
// every read returns nullopt and the reader keeps that first error, so a decoder reads straight
// through and checks once.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>
#include <fmt/format.h>

#include "minibroker/ws/codec_error.hpp"

namespace minibroker::ws::detail {

namespace json = boost::json;

inline std::string_view json_kind(const json::value& v) noexcept {
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
inline boost::system::result<const json::object*, decode_error>
parse_object(std::string_view text, json::value& storage, json::storage_ptr resource) {
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

} // namespace minibroker::ws::detail
