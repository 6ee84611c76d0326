#pragma once
// A seeded random source. The same seed gives the same sequence on every platform: the engine
// is std::mt19937_64 (fully specified by the standard) and the bounded draws are our own,
// because std's distributions differ between standard libraries.
//
// The draws are inline: a random order takes a dozen of them, and each was a call.

#include <cstdint>
#include <random>

namespace minibroker {

// Thread safety: none; give each component its own (see fork()).
class random_source {
public:
  explicit random_source(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t next() { return engine_(); }
  // Uniform in [lo, hi], both inclusive; lo <= hi.
  std::int64_t uniform(std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    if (span == UINT64_MAX) [[unlikely]] {
      return static_cast<std::int64_t>(next());
    }
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + below(span + 1));
  }
  // Uniform in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n) {
    // Lemire's nearly divisionless method: unbiased, and the same on every platform.
    const uint128 product = static_cast<uint128>(next()) * n;
    if (static_cast<std::uint64_t>(product) < n) [[unlikely]] {
      return below_rejecting(n, product);
    }
    return static_cast<std::uint64_t>(product >> 64U);
  }
  // Uniform in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }
  // True with probability p.
  bool chance(double p) { return unit() < p; }
  // An independent source for a sub-component, derived deterministically from this one.
  random_source fork() { return random_source{next() ^ 0x9e3779b97f4a7c15ULL}; }

private:
  __extension__ using uint128 = unsigned __int128;

  // below()'s rare case: the draw may fall in the biased low range, and is then drawn again.
  std::uint64_t below_rejecting(std::uint64_t n, uint128 product);

  std::mt19937_64 engine_;
};

} // namespace minibroker
