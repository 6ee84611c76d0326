#pragma once
// A seeded random source. The same seed gives the same sequence on every platform: the engine
// is std::mt19937_64 (fully specified by the standard) and the bounded draws are our own,
// because std's distributions differ between standard libraries.

#include <cstdint>
#include <random>

namespace minibroker {

// Thread safety: none; give each component its own (see fork()).
class random_source {
public:
  explicit random_source(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t next() { return engine_(); }
  // Uniform in [lo, hi], both inclusive; lo <= hi.
  std::int64_t uniform(std::int64_t lo, std::int64_t hi);
  // Uniform in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n);
  // Uniform in [0, 1) with 53 random bits.
  double unit();
  // True with probability p.
  bool chance(double p) { return unit() < p; }
  // An independent source for a sub-component, derived deterministically from this one.
  random_source fork() { return random_source{next() ^ 0x9e3779b97f4a7c15ULL}; }

private:
  std::mt19937_64 engine_;
};

} // namespace minibroker
