#pragma once
// The instruments an order file refers to, by symbol, with their tick and lot sizes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "minibroker/core/name_registry.hpp"
#include "minibroker/core/records.hpp"

namespace minibroker::replay {

// Thread safety: none (single owner).
class instrument_catalog {
public:
  // Adds an instrument under its symbol and returns it with its id filled in. A symbol given twice
  // keeps the first definition (the second add returns the existing one unchanged).
  const instrument& add(instrument spec);
  [[nodiscard]] const instrument* find(instrument_id id) const;
  [[nodiscard]] const instrument* find(std::string_view symbol) const;
  [[nodiscard]] const std::vector<instrument>& all() const noexcept { return instruments_; }

private:
  name_registry<instrument_id> symbols_;
  std::vector<instrument> instruments_; // index = id - 1
};

// Reads an instruments file: a header `symbol,tick,lot` then one instrument per line, e.g.
// `ACME,0.05,100`. Throws std::runtime_error naming the line on bad input (start-up only).
void load_instruments_csv(std::string_view text, instrument_catalog& catalog);

} // namespace minibroker::replay
