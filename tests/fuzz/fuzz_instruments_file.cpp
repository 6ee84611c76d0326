// Fuzz target: the instruments file reader (minibroker replay --instruments, minibroker exchange
// and broker --instruments-file). Any bytes either load or throw the reader's one error type
// (std::runtime_error naming the line); every instrument loaded has a valid symbol, a positive
// tick and a positive lot, and can be found again by its symbol.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "minibroker/replay/instrument_catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  minibroker::replay::instrument_catalog catalog;
  try {
    minibroker::replay::load_instruments_csv(text, catalog);
  } catch (const std::runtime_error&) {
    return 0; // a specific rejection, as documented; anything else escapes and is a crash
  }
  for (const auto& spec : catalog.all()) {
    const auto* found = catalog.find(spec.symbol);
    if (spec.symbol.empty() || spec.tick_size.mantissa() <= 0 || spec.lot_size.value() <= 0 || found == nullptr ||
        found->id != spec.id) {
      std::abort();
    }
  }
  return 0;
}
