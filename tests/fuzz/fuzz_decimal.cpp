// Fuzz target: decimal text -> ticks. Whatever the input, parsing never crashes, and whatever
// parses formats back to text that parses to the same ticks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "minibroker/core/decimal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) {
    return 0;
  }
  // First byte: the tick (mantissa 1..16, scale 0..7); the rest: the text.
  const minibroker::decimal tick{1 + (data[0] & 0x0F), (data[0] >> 4) & 0x07};
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto ticks = minibroker::parse_price(text, tick);
  if (ticks) {
    const auto formatted = minibroker::format_price(*ticks, tick);
    auto again = minibroker::parse_price(formatted, tick);
    if (!again || *again != *ticks) {
      std::abort();
    }
  }
  (void)minibroker::parse_quantity(text);
  (void)minibroker::decimal::parse(text);
  return 0;
}
