#include <catch2/catch.hpp>

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "minibroker/core/detail/page_memory.hpp"
#include "minibroker/store/detail/ring.hpp"
#include "page_faults.hpp"

using namespace minibroker;

TEST_CASE("A reserved ring holds that many entries without growing, through wrap-around", "[store][ring]") {
  store_detail::ring<std::uint64_t> r;
  r.reserve(1000);
  const std::size_t capacity = r.capacity();
  CHECK(capacity == 1024);
  for (std::uint64_t i = 0; i < 600; ++i) {
    r.push_back(i);
  }
  for (int i = 0; i < 500; ++i) {
    r.pop_front();
  }
  for (std::uint64_t i = 600; i < 1500; ++i) { // the entries wrap past the buffer's end
    r.push_back(i);
  }
  CHECK(r.capacity() == capacity);
  REQUIRE(r.size() == 1000);
  for (std::size_t i = 0; i < r.size(); ++i) {
    REQUIRE(r[i] == 500 + i);
  }
  r.reserve(5000); // growing a wrapped ring keeps its order
  CHECK(r.capacity() == 8192);
  REQUIRE(r.size() == 1000);
  CHECK(r.front() == 500);
  CHECK(r.back() == 1499);
}

TEST_CASE("A growing ring has the memory it grows into faulted in ahead, so growing faults almost no page",
          "[store][ring]") {
  store_detail::ring<std::uint64_t> r;
  constexpr std::size_t capacity = std::size_t{1} << 18; // 2 MiB of entries
  r.reserve(capacity);
  while (r.size() < capacity) { // three quarters on, the next buffer (4 MiB) is prepared
    r.push_back(r.size());
  }
  core_detail::wait_for_populate();
  const long faults_before = test::minor_faults_of_this_thread();
  r.push_back(r.size()); // grows: as many segments again, from the prepared block
  // The new segments were faulted in ahead; the segment table is a small heap block.
  CHECK(test::minor_faults_of_this_thread() - faults_before <=
        4 + test::sanitizer_shadow_faults(2 * capacity * sizeof(std::uint64_t)));
  CHECK(r.capacity() == 2 * capacity);
  for (std::size_t i = 0; i < r.size(); i += 4099) {
    REQUIRE(r[i] == i);
  }
}

TEST_CASE("A small growing ring has its next buffer faulted in ahead too", "[store][ring]") {
  store_detail::ring<std::uint64_t> r;
  constexpr std::size_t capacity = 4096; // 32 KiB: it grows into 64 KiB from the heap, not a page block
  r.reserve(capacity);
  while (r.size() < capacity) { // three quarters on, the next buffer is prepared
    r.push_back(r.size());
  }
  core_detail::wait_for_populate();
  const long faults_before = test::minor_faults_of_this_thread();
  while (r.size() < capacity + capacity / 2) { // the copy, then entries into pages not yet written
    r.push_back(r.size());
  }
  // A heap block need not start or end on a page: the partial pages at its ends are not populated.
  CHECK(test::minor_faults_of_this_thread() - faults_before <=
        3 + test::sanitizer_shadow_faults(2 * capacity * sizeof(std::uint64_t)) + test::sanitizer_heap_faults());
  CHECK(r.capacity() == 2 * capacity);
  for (std::size_t i = 0; i < r.size(); i += 97) {
    REQUIRE(r[i] == i);
  }
}

namespace {
using entries = store_detail::ring<std::uint64_t>;
constexpr std::size_t segment = entries::segment_entries;

// Wraps the ring: its oldest entry sits `offset` entries into a segment, and the newest entries
// have wrapped into the front of that same segment.
void fill_wrapped(entries& r, std::size_t capacity, std::size_t offset) {
  r.reserve(capacity);
  std::uint64_t next = 0;
  while (r.size() < capacity) {
    r.push_back(next++);
  }
  for (std::size_t i = 0; i < offset; ++i) {
    r.pop_front();
    r.push_back(next++);
  }
  REQUIRE(r.capacity() == capacity);
}
} // namespace

TEST_CASE("A ring past one segment grows without moving its entries, but the few that wrapped into the oldest "
          "segment",
          "[store][ring]") {
  entries r;
  const std::size_t capacity = 4 * segment;
  const std::size_t offset = segment / 3;
  fill_wrapped(r, capacity, offset);
  std::vector<const std::uint64_t*> where;
  for (std::size_t i = 0; i < r.size(); ++i) {
    where.push_back(&r[i]);
  }
  r.push_back(r.back() + 1); // full: it doubles
  CHECK(r.capacity() == 2 * capacity);
  std::size_t moved = 0;
  for (std::size_t i = 0; i < where.size(); ++i) {
    moved += &r[i] == where[i] ? 0 : 1;
  }
  CHECK(moved == offset); // the newest entries, which had wrapped to the front of the oldest's segment
  for (std::size_t i = 0; i < r.size(); ++i) {
    REQUIRE(r[i] == offset + i);
  }
}

TEST_CASE("A ring matches a deque through growth across segments, wrap-around, pops, inserts and reserves",
          "[store][ring]") {
  std::mt19937_64 random(42);
  entries r;
  std::deque<std::uint64_t> model;
  std::uint64_t next = 0;
  for (int round = 0; round < 40; ++round) {
    // Grow by a burst, then shrink by a smaller one: the ring keeps wrapping while it grows
    // through one buffer, then one, two, four and more segments.
    const std::size_t pushes = random() % (segment / 2) + round * 300;
    for (std::size_t i = 0; i < pushes; ++i) {
      if (random() % 16 == 0 && !model.empty()) { // a late entry lands near the back
        const std::size_t at = model.size() - random() % std::min<std::size_t>(model.size(), 40);
        r.insert(at, next);
        model.insert(model.begin() + static_cast<std::ptrdiff_t>(at), next);
      } else {
        r.push_back(next);
        model.push_back(next);
      }
      ++next;
    }
    const std::size_t pops = random() % (pushes / 2 + 1);
    for (std::size_t i = 0; i < pops && !model.empty(); ++i) {
      r.pop_front();
      model.pop_front();
    }
    if (round % 13 == 12) {
      r.reserve(r.capacity() + 1); // the next power of two, by reserve instead of by a full ring
    }
    REQUIRE(r.size() == model.size());
    REQUIRE(r.capacity() >= r.size());
    for (std::size_t i = 0; i < model.size(); ++i) {
      REQUIRE(r[i] == model[i]);
    }
  }
  CHECK(r.capacity() > 4 * segment);
}

TEST_CASE("A ring finds entries by a projected key with lower_bound and upper_bound across segments", "[store][ring]") {
  entries r;
  fill_wrapped(r, 2 * segment, segment / 2);
  r.push_back(r.back() + 1); // into the new segments
  const std::uint64_t first = r.front();
  const auto same = [](std::uint64_t v) { return v / 2; }; // pairs of equal keys
  for (std::uint64_t key = first / 2 + 1; key < r.back() / 2; key += 997) {
    const std::size_t lo = r.lower_bound(key, same);
    const std::size_t hi = r.upper_bound(key, same);
    REQUIRE(hi == lo + 2);
    CHECK(r[lo] / 2 == key);
    CHECK(r[lo - 1] / 2 == key - 1);
  }
}
