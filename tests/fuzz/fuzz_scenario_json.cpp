// Fuzz target: the scenario JSON reader (minibroker sim --config). Whatever the input, reading
// never crashes; whatever it accepts is a valid scenario, and reading the same text over the
// accepted scenario gives it back unchanged (every key it read, it read completely).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "minibroker/sim/scenario.hpp"

namespace {

bool same(const minibroker::scenario& a, const minibroker::scenario& b) {
  return a.seed == b.seed && a.clock == b.clock && a.instruments == b.instruments && a.quote_rate == b.quote_rate &&
         a.institutions == b.institutions && a.order_rate == b.order_rate && a.orders == b.orders &&
         a.duration == b.duration && a.threads == b.threads && a.mix.cancel_share == b.mix.cancel_share &&
         a.mix.replace_share == b.mix.replace_share && a.mix.marketable_share == b.mix.marketable_share &&
         a.mix.invalid_share == b.mix.invalid_share && a.queue_capacity == b.queue_capacity &&
         a.retention_rows == b.retention_rows;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = minibroker::scenario_from_json(text);
  if (!parsed) {
    if (parsed.error().empty()) {
      std::abort(); // every refusal says why
    }
    return 0;
  }
  if (minibroker::validate(*parsed)) {
    std::abort(); // accepted but invalid
  }
  auto again = minibroker::scenario_from_json(text, *parsed);
  if (!again || !same(*again, *parsed)) {
    std::abort();
  }
  return 0;
}
