#include "minibroker/core/random.hpp"

namespace minibroker {

std::uint64_t random_source::below_rejecting(std::uint64_t n, uint128 product) {
  auto low = static_cast<std::uint64_t>(product);
  const std::uint64_t threshold = (0U - n) % n;
  while (low < threshold) {
    product = static_cast<uint128>(next()) * n;
    low = static_cast<std::uint64_t>(product);
  }
  return static_cast<std::uint64_t>(product >> 64U);
}

} // namespace minibroker
