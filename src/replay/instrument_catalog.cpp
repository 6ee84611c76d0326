#include "minibroker/replay/instrument_catalog.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "minibroker/replay/csv_line.hpp"

namespace minibroker::replay {

const instrument& instrument_catalog::add(instrument spec) {
  if (const auto* existing = find(spec.symbol)) {
    return *existing;
  }
  spec.id = symbols_.intern(spec.symbol);
  return instruments_.emplace_back(std::move(spec));
}

const instrument* instrument_catalog::find(instrument_id id) const {
  const auto index = static_cast<std::size_t>(id.value()) - 1;
  return id.value() >= 1 && index < instruments_.size() ? &instruments_[index] : nullptr;
}

const instrument* instrument_catalog::find(std::string_view symbol) const {
  auto id = symbols_.find(symbol);
  return id ? find(*id) : nullptr;
}

void load_instruments_csv(std::string_view text, instrument_catalog& catalog) {
  std::size_t line_number = 0;
  bool header_seen = false;
  for_each_line(text, [&](std::string_view line) {
    ++line_number;
    if (line.empty()) {
      return;
    }
    const auto fail = [&](std::string_view why) {
      throw std::runtime_error(fmt::format("instruments file line {}: {}", line_number, why));
    };
    if (!header_seen) {
      if (line != "symbol,tick,lot") {
        fail("the header must be `symbol,tick,lot`");
      }
      header_seen = true;
      return;
    }
    csv_fields<3> fields;
    if (!split_csv(line, fields)) {
      fail("expected 3 fields: symbol,tick,lot");
    }
    if (!is_valid_name(fields[0])) {
      fail("a symbol is 1 to 64 characters of A-Z a-z 0-9 . _ - : /");
    }
    auto tick = decimal::parse(fields[1]);
    if (!tick || tick->mantissa() <= 0) {
      fail(fmt::format("tick `{}` is not a positive decimal", fields[1]));
    }
    auto lot = parse_quantity(fields[2]);
    if (!lot || lot->value() <= 0) {
      fail(fmt::format("lot `{}` is not a positive whole number", fields[2]));
    }
    instrument spec;
    spec.symbol = std::string(fields[0]);
    spec.name = spec.symbol;
    spec.tick_size = *tick;
    spec.lot_size = *lot;
    catalog.add(std::move(spec));
  });
  if (!header_seen) {
    throw std::runtime_error("instruments file is empty: expected the header `symbol,tick,lot`");
  }
}

} // namespace minibroker::replay
