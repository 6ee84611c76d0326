// What the machine alone does to per-operation latency, to set against `minibroker replay
// --quiet`: a trivial loop timed like replay's latency pass (a clock read either side of a few
// nanoseconds of work), and the first touch of fresh pages (one minor page fault each).
//
//   minibroker_machine_latency [iterations]   (default 5,000,000; pages: 25,600 = 100 MiB)

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using steady = std::chrono::steady_clock;

std::int64_t ns_since(steady::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now() - t).count();
}

std::int64_t at(std::vector<std::int64_t>& v, double q) {
  const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

void report(const char* what, std::vector<std::int64_t>& v, double seconds) {
  const auto over = [&v](std::int64_t ns) {
    return std::count_if(v.begin(), v.end(), [ns](auto x) { return x > ns; });
  };
  const auto over_20us = over(20'000);
  const auto over_100us = over(100'000);
  std::printf("%s: %zu in %.3f s; p50 %lld ns, p99 %lld, p99.9 %lld, max %lld; over 20 us: %lld (%.0f/s), over 100 us: "
              "%lld (%.0f/s)\n",
              what, v.size(), seconds, static_cast<long long>(at(v, 0.5)), static_cast<long long>(at(v, 0.99)),
              static_cast<long long>(at(v, 0.999)), static_cast<long long>(*std::max_element(v.begin(), v.end())),
              static_cast<long long>(over_20us), static_cast<double>(over_20us) / seconds,
              static_cast<long long>(over_100us), static_cast<double>(over_100us) / seconds);
}

} // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 5'000'000;
  std::vector<std::int64_t> samples;
  samples.reserve(n);
  volatile std::uint64_t x = 1;
  auto start = steady::now();
  for (std::size_t i = 0; i < n; ++i) {
    const auto before = steady::now();
    for (int k = 0; k < 20; ++k) {
      x = x * 6364136223846793005ULL + 1;
    }
    samples.push_back(ns_since(before));
  }
  report("trivial loop", samples, std::chrono::duration<double>(steady::now() - start).count());

  constexpr std::size_t pages = 25'600;
  constexpr std::size_t page = 4096;
  void* m = mmap(nullptr, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) {
    std::perror("mmap");
    return 1;
  }
  auto* bytes = static_cast<volatile char*>(m);
  samples.clear();
  start = steady::now();
  for (std::size_t i = 0; i < pages; ++i) {
    const auto before = steady::now();
    bytes[i * page] = 1;
    samples.push_back(ns_since(before));
  }
  report("first touch of a page", samples, std::chrono::duration<double>(steady::now() - start).count());
  munmap(m, pages * page);
  return 0;
}
