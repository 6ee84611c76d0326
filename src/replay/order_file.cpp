#include "minibroker/replay/order_file.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "minibroker/replay/csv_line.hpp"

namespace minibroker::replay {
namespace {

enum column : std::size_t {
  action_col,
  id_col,
  institution_col,
  symbol_col,
  side_col,
  type_col,
  tif_col,
  price_col,
  qty_col
};
constexpr std::size_t column_count = 9;

// A refused line: its message names the field and the offending text.
struct bad_line {
  std::string message;
};

template <typename T>
T required(std::optional<T> value, std::string_view field, std::string_view text) {
  if (!value) {
    throw bad_line{text.empty() ? fmt::format("{} is required", field)
                                : fmt::format("{} `{}` is not valid", field, text)};
  }
  return *value;
}

} // namespace

bool is_valid_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64) {
    return false;
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-' || c == ':' || c == '/';
    if (!ok) {
      return false;
    }
  }
  return true;
}

order_file_reader::order_file_reader(order_file_names& names, order_file_options options)
    : names_(names), options_(options) {}

bool order_file_reader::is_header(std::string_view line) noexcept { return line == order_file_header; }

order_file_entry order_file_reader::read_line(std::string_view line, std::size_t line_number) {
  order_file_entry entry{line_number, line_error{}, reject_reason::none};
  csv_fields<column_count> f;
  if (!split_csv(line, f)) {
    entry.content = line_error{
        fmt::format("expected {} comma-separated fields without quotes: {}", column_count, order_file_header)};
    return entry;
  }
  try {
    const auto name = [&](column c, std::string_view field) {
      if (!is_valid_name(f[c])) {
        throw bad_line{f[c].empty()
                           ? fmt::format("{} is required", field)
                           : fmt::format("{} `{}` is not a valid name (1-64 of A-Z a-z 0-9 . _ - : /)", field, f[c])};
      }
      return f[c];
    };
    const auto client_id = names_.client_ids.intern(name(id_col, "id"));
    const auto who = names_.institutions.intern(name(institution_col, "institution"));
    const auto symbol_text = name(symbol_col, "symbol");
    const instrument* inst = names_.instruments.find(symbol_text);
    if (inst == nullptr && options_.add_unknown_symbols) {
      instrument spec;
      spec.symbol = std::string(symbol_text);
      spec.name = spec.symbol;
      spec.tick_size = options_.default_tick;
      spec.lot_size = options_.default_lot;
      inst = &names_.instruments.add(std::move(spec));
    }
    // An unknown symbol still gets an id, which no engine knows: the order is refused as such.
    const instrument_id instrument_ref = inst != nullptr ? inst->id : instrument_id{0};
    if (inst == nullptr) {
      entry.edge_reject = reject_reason::unknown_instrument;
    }

    const auto read_price = [&]() -> std::optional<price> {
      if (f[price_col].empty()) {
        return std::nullopt;
      }
      auto parsed = parse_price(f[price_col], inst != nullptr ? inst->tick_size : options_.default_tick);
      if (parsed) {
        return *parsed;
      }
      if (parsed.error() == make_error_code(decimal_error::not_on_tick) && entry.edge_reject == reject_reason::none) {
        entry.edge_reject = reject_reason::price_not_on_tick;
        return std::nullopt;
      }
      if (parsed.error() == make_error_code(decimal_error::not_on_tick)) {
        return std::nullopt;
      }
      throw bad_line{fmt::format("price `{}`: {}", f[price_col], parsed.error().message())};
    };
    const auto read_qty = [&]() -> std::optional<quantity> {
      if (f[qty_col].empty()) {
        return std::nullopt;
      }
      auto parsed = parse_quantity(f[qty_col]);
      if (!parsed) {
        throw bad_line{fmt::format("qty `{}` is not a whole number", f[qty_col])};
      }
      return *parsed;
    };

    if (f[action_col] == "new") {
      new_order_request request;
      request.institution = who;
      request.id = client_id;
      request.instrument = instrument_ref;
      request.side = required(side_from_string(f[side_col]), "side", f[side_col]);
      request.type = required(order_type_from_string(f[type_col]), "type", f[type_col]);
      request.tif =
          f[tif_col].empty() ? time_in_force::gtc : required(time_in_force_from_string(f[tif_col]), "tif", f[tif_col]);
      request.limit_price = read_price();
      request.qty = required(read_qty(), "qty", f[qty_col]);
      entry.content = order_operation{request};
    } else if (f[action_col] == "cancel") {
      entry.content = order_operation{cancel_request{who, client_id, instrument_ref}};
    } else if (f[action_col] == "replace") {
      replace_request request{who, client_id, instrument_ref, read_price(), read_qty()};
      entry.content = order_operation{request};
    } else {
      throw bad_line{f[action_col].empty() ? std::string("action is required")
                                           : fmt::format("action `{}` is not new, cancel or replace", f[action_col])};
    }
  } catch (bad_line& bad) {
    entry.content = line_error{std::move(bad.message)};
    entry.edge_reject = reject_reason::none;
  }
  return entry;
}

std::vector<order_file_entry> order_file_reader::read_all(std::string_view text) {
  std::vector<order_file_entry> entries;
  entries.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  std::size_t line_number = 0;
  bool header_ok = false;
  bool stop = false;
  for_each_line(text, [&](std::string_view line) {
    ++line_number;
    if (stop) {
      return;
    }
    if (line_number == 1) {
      header_ok = is_header(line);
      if (!header_ok) {
        entries.push_back({1, line_error{fmt::format("the first line must be the header `{}`", order_file_header)},
                           reject_reason::none});
        stop = true;
      }
      return;
    }
    if (!line.empty()) {
      entries.push_back(read_line(line, line_number));
    }
  });
  if (line_number == 0) {
    entries.push_back({1, line_error{"the file is empty"}, reject_reason::none});
  }
  return entries;
}

std::string format_order_line(const order_operation& op, const order_file_names& names) {
  const auto symbol_of = [&](instrument_id id) {
    const auto* inst = names.instruments.find(id);
    return inst != nullptr ? std::string_view{inst->symbol} : std::string_view{};
  };
  const auto price_text = [&](instrument_id id, std::optional<price> px) {
    const auto* inst = names.instruments.find(id);
    return px ? format_price(*px, inst != nullptr ? inst->tick_size : decimal{1, 2}) : std::string{};
  };
  return std::visit(
      [&](const auto& r) -> std::string {
        using request = std::decay_t<decltype(r)>;
        const auto head = fmt::format("{},{},{}", names.client_ids.name(r.id), names.institutions.name(r.institution),
                                      symbol_of(r.instrument));
        if constexpr (std::is_same_v<request, new_order_request>) {
          return fmt::format("new,{},{},{},{},{},{}", head, r.side, r.type, r.tif,
                             price_text(r.instrument, r.limit_price), r.qty);
        } else if constexpr (std::is_same_v<request, cancel_request>) {
          return fmt::format("cancel,{},,,,,", head);
        } else {
          return fmt::format("replace,{},,,,{},{}", head, price_text(r.instrument, r.new_price),
                             r.new_open_qty ? fmt::format("{}", *r.new_open_qty) : std::string{});
        }
      },
      op);
}

} // namespace minibroker::replay
