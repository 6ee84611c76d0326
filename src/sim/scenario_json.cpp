// The scenario's JSON form. Boost.JSON stays in this file: no public header includes it.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "minibroker/sim/scenario.hpp"

namespace minibroker {
namespace {

namespace json = boost::json;

struct bad_key {
  std::string message;
};

double number(const json::value& v, std::string_view key) {
  if (v.is_double()) {
    return v.get_double();
  }
  if (v.is_int64()) {
    return static_cast<double>(v.get_int64());
  }
  if (v.is_uint64()) {
    return static_cast<double>(v.get_uint64());
  }
  throw bad_key{fmt::format("`{}` must be a number", key)};
}

std::uint64_t whole(const json::value& v, std::string_view key) {
  if (v.is_int64() && v.get_int64() >= 0) {
    return static_cast<std::uint64_t>(v.get_int64());
  }
  if (v.is_uint64()) {
    return v.get_uint64();
  }
  throw bad_key{fmt::format("`{}` must be a whole number, 0 or more", key)};
}

void read_mix(const json::value& v, order_mix& mix) {
  if (!v.is_object()) {
    throw bad_key{"`mix` must be an object"};
  }
  for (const auto& [key, value] : v.get_object()) {
    if (key == "cancel") {
      mix.cancel_share = number(value, "mix.cancel");
    } else if (key == "replace") {
      mix.replace_share = number(value, "mix.replace");
    } else if (key == "marketable") {
      mix.marketable_share = number(value, "mix.marketable");
    } else if (key == "invalid") {
      mix.invalid_share = number(value, "mix.invalid");
    } else {
      throw bad_key{
          fmt::format("unknown key `mix.{}` (known: cancel, replace, marketable, invalid)", std::string_view{key})};
    }
  }
}

void read_key(std::string_view key, const json::value& value, scenario& s) {
  if (key == "seed") {
    s.seed = whole(value, key);
  } else if (key == "clock") {
    const auto* text = value.if_string();
    auto mode = text != nullptr ? clock_mode_from_string(std::string_view{*text}) : std::nullopt;
    if (!mode) {
      throw bad_key{"`clock` must be \"virtual\" or \"real\""};
    }
    s.clock = *mode;
  } else if (key == "transport") {
    const auto* text = value.if_string();
    auto mode = text != nullptr ? transport_mode_from_string(std::string_view{*text}) : std::nullopt;
    if (!mode) {
      throw bad_key{"`transport` must be \"in_process\" or \"ws\""};
    }
    s.transport = *mode;
  } else if (key == "instruments") {
    s.instruments = whole(value, key);
  } else if (key == "quote_rate") {
    s.quote_rate = number(value, key);
  } else if (key == "institutions") {
    s.institutions = whole(value, key);
  } else if (key == "order_rate") {
    s.order_rate = number(value, key);
  } else if (key == "orders") {
    s.orders = whole(value, key);
  } else if (key == "duration") {
    if (value.is_null()) {
      s.duration.reset();
    } else {
      s.duration = number(value, key);
    }
  } else if (key == "threads") {
    s.threads = whole(value, key);
  } else if (key == "mix") {
    read_mix(value, s.mix);
  } else if (key == "queue_capacity") {
    s.queue_capacity = whole(value, key);
  } else if (key == "retention_rows") {
    s.retention_rows = whole(value, key);
  } else {
    throw bad_key{fmt::format("unknown key `{}`", key)};
  }
}

} // namespace

boost::system::result<scenario, std::string> scenario_from_json(std::string_view text, scenario base) {
  boost::system::error_code ec;
  const json::value root = json::parse(text, ec);
  if (ec) {
    return fmt::format("not valid JSON: {}", ec.message());
  }
  if (!root.is_object()) {
    return std::string("the scenario must be a JSON object");
  }
  try {
    for (const auto& [key, value] : root.get_object()) {
      read_key(std::string_view{key}, value, base);
    }
  } catch (const bad_key& bad) {
    return bad.message;
  }
  if (auto problem = validate(base)) {
    return *problem;
  }
  return base;
}

} // namespace minibroker
