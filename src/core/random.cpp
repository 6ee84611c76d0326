#include "minibroker/core/random.hpp"

namespace minibroker {

__extension__ using uint128 = unsigned __int128;

std::uint64_t random_source::below(std::uint64_t n) {
  // Lemire's nearly divisionless method: unbiased, and the same on every platform.
  uint128 product = static_cast<uint128>(next()) * n;
  auto low = static_cast<std::uint64_t>(product);
  if (low < n) {
    const std::uint64_t threshold = (0U - n) % n;
    while (low < threshold) {
      product = static_cast<uint128>(next()) * n;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64U);
}

std::int64_t random_source::uniform(std::int64_t lo, std::int64_t hi) {
  const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (span == UINT64_MAX) {
    return static_cast<std::int64_t>(next());
  }
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + below(span + 1));
}

double random_source::unit() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

} // namespace minibroker
