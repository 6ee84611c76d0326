#include <catch2/catch.hpp>

#include "minibroker/sim/latency_recorder.hpp"

using namespace minibroker;
using namespace std::chrono_literals;

TEST_CASE("latency: percentiles are within a bucket of the exact value and never under it", "[latency]") {
  latency_recorder recorder;
  for (int i = 1; i <= 10'000; ++i) {
    recorder.record(duration{i * 100}); // 100 ns .. 1 ms, uniform
  }
  const auto s = recorder.summary();
  CHECK(s.count == 10'000);
  CHECK(s.max == 1'000'000ns);
  CHECK(s.p50 >= 500'000ns);
  CHECK(s.p50 <= 507'000ns);
  CHECK(s.p99 >= 990'000ns);
  CHECK(s.p99 <= 1'000'000ns);
  CHECK(s.mean == 500'050ns);
}

TEST_CASE("latency: an empty recorder reports zeros", "[latency]") {
  latency_recorder recorder;
  CHECK(recorder.summary().p99 == 0ns);
  CHECK(recorder.summary().count == 0);
}

TEST_CASE("latency: zero, negative and huge samples are kept, not lost", "[latency]") {
  latency_recorder recorder;
  recorder.record(0ns);
  recorder.record(-5ns);
  recorder.record(std::chrono::hours{1});
  CHECK(recorder.count() == 3);
  CHECK(recorder.percentile(0.5) == 0ns);
  CHECK(recorder.percentile(1.0) == std::chrono::hours{1});
}

TEST_CASE("latency: zero samples rank below every other and survive a merge", "[latency]") {
  latency_recorder a;
  for (int i = 0; i < 90; ++i) {
    a.record(0ns);
  }
  for (int i = 0; i < 10; ++i) {
    a.record(1000ns);
  }
  CHECK(a.percentile(0.9) == 0ns);
  CHECK(a.percentile(0.91) >= 1000ns);
  CHECK(a.percentile(0.91) <= 1015ns); // a bucket is ~1.3% wide

  latency_recorder b;
  for (int i = 0; i < 100; ++i) {
    b.record(0ns);
  }
  a.merge(b);
  CHECK(a.count() == 200);
  CHECK(a.percentile(0.95) == 0ns);
  CHECK(a.percentile(0.96) >= 1000ns);
  CHECK(a.summary().mean == 50ns);
}
