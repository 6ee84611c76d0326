#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "minibroker/core/detail/page_memory.hpp"
#include "minibroker/store/detail/chunked_vector.hpp"
#include "page_faults.hpp"

using minibroker::store_detail::chunked_vector;

TEST_CASE("chunked_vector keeps every element at its address and index while it grows through many chunks",
          "[store][chunked_vector]") {
  chunked_vector<std::uint64_t> v;
  constexpr std::size_t count = 1'500'000; // past the growing chunks into several 2 MiB ones
  std::vector<const std::uint64_t*> addresses;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t& stored = v.push_back(i * 3);
    REQUIRE(&stored == &v.back());
    if (i % 997 == 0) {
      addresses.push_back(&stored);
    }
  }
  REQUIRE(v.size() == count);
  for (std::size_t k = 0; k < addresses.size(); ++k) {
    REQUIRE(addresses[k] == &v[k * 997]);
    REQUIRE(*addresses[k] == k * 997 * 3);
  }
  std::size_t i = 0;
  for (const std::uint64_t value : v) {
    REQUIRE(value == i * 3);
    ++i;
  }
  CHECK(i == count);
}

TEST_CASE("chunked_vector destroys each element it holds exactly once, also after a move", "[store][chunked_vector]") {
  static int alive = 0;
  struct counted {
    std::string text;
    explicit counted(std::string t) : text(std::move(t)) { ++alive; }
    counted(const counted& other) : text(other.text) { ++alive; }
    counted& operator=(const counted&) = default;
    ~counted() { --alive; }
  };
  {
    chunked_vector<counted> v;
    for (int i = 0; i < 1000; ++i) {
      v.push_back(counted{"a string too long for the small buffer " + std::to_string(i)});
    }
    CHECK(alive == 1000);
    chunked_vector<counted> moved(std::move(v));
    CHECK(v.empty()); // NOLINT(bugprone-use-after-move): a moved-from store is empty
    CHECK(moved.size() == 1000);
    CHECK(moved[999].text == "a string too long for the small buffer 999");
    CHECK(alive == 1000);
    chunked_vector<counted> assigned;
    assigned.push_back(counted{"replaced"});
    assigned = std::move(moved);
    CHECK(alive == 1000);
    CHECK(assigned[0].text == "a string too long for the small buffer 0");
  }
  CHECK(alive == 0);
}

TEST_CASE("A growing chunked_vector has its next chunk faulted in off its thread, so filling it faults almost no page",
          "[store][chunked_vector]") {
  // Failures are counted for the process: a table an earlier test freed before its turn counts one.
  const std::uint64_t failures_before = minibroker::core_detail::wait_for_populate().failures;
  chunked_vector<std::uint64_t> v;
  // Chunks of 8-byte elements: 16, 32, ... 262,144 elements (2 MiB), then 2 MiB each.
  constexpr std::size_t geometric = 2 * 262'144 - 16;
  while (v.size() < geometric) {
    v.push_back(v.size());
  }
  // The first 2 MiB chunk opens: the one after it is allocated and its population requested.
  v.push_back(v.size());
  const minibroker::core_detail::populate_stats populated = minibroker::core_detail::wait_for_populate();
  CHECK(populated.failures == failures_before);
  while (v.size() < geometric + 262'144) { // the rest of that chunk: pages written here
    v.push_back(v.size());
  }
  minibroker::core_detail::wait_for_populate();
  const long faults_before = minibroker::test::minor_faults_of_this_thread();
  for (std::size_t i = 0; i < 262'144 - 1; ++i) { // the next chunk, prepared ahead, but for its last element
    v.push_back(v.size());
  }
  // Of 512 pages; the chunk table's own growth may fault. Under a sanitizer, allocating the chunk
  // after (opened ahead meanwhile) writes its shadow too.
  CHECK(minibroker::test::minor_faults_of_this_thread() - faults_before <=
        4 + minibroker::test::sanitizer_shadow_faults(std::size_t{4} << 20));
  CHECK(v[v.size() - 1] == v.size() - 1);
}
