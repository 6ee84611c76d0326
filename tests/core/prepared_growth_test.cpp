#include <catch2/catch.hpp>

#include <cstdint>

#include "minibroker/core/detail/prepared_growth.hpp"
#include "page_faults.hpp"

using namespace minibroker::core_detail;

using minibroker::test::minor_faults_of_this_thread;
using minibroker::test::sanitizer_shadow_faults;

namespace {

struct level_like {
  std::int64_t price;
  std::int64_t qty;
  std::uint32_t head;
  std::uint32_t tail;
  std::uint32_t count;
  std::uint32_t flags;
};

// Fills `v` up to its capacity, calling prepare_growth after each element as its owner would.
void fill_to_capacity(prepared_vector<level_like>& v) {
  while (v.size() < v.capacity()) {
    v.push_back({static_cast<std::int64_t>(v.size()), 1, 0, 0, 1, 0});
    prepare_growth(v);
  }
}

} // namespace

TEST_CASE("prepare_growth readies a buffer of twice the capacity from three quarters full on",
          "[core][prepared_growth]") {
  prepared_vector<level_like> v;
  v.reserve(64);
  for (int i = 0; i < 47; ++i) {
    v.push_back({i, 1, 0, 0, 1, 0});
    prepare_growth(v);
  }
  CHECK(v.get_allocator().next().prepared_bytes() == 0);
  v.push_back({47, 1, 0, 0, 1, 0});
  prepare_growth(v);
  CHECK(v.get_allocator().next().prepared_bytes() == 128 * sizeof(level_like));
}

TEST_CASE("a prepared_vector grows into its prepared buffer: the copy faults no fresh page, and keeps every element",
          "[core][prepared_growth]") {
  prepared_vector<level_like> v;
  v.reserve(std::size_t{1} << 14); // 512 KiB: the next buffer is 1 MiB, 256 pages
  fill_to_capacity(v);
  const std::size_t next_bytes = v.get_allocator().next().prepared_bytes();
  REQUIRE(next_bytes == 2 * v.capacity() * sizeof(level_like));
  wait_for_populate();
  const std::size_t old_capacity = v.capacity();
  const long faults = minor_faults_of_this_thread();
  v.push_back({-1, 1, 0, 0, 1, 0}); // the growth: a copy of 512 KiB into the prepared buffer
  CHECK(minor_faults_of_this_thread() - faults <= 2 + sanitizer_shadow_faults(next_bytes));
  CHECK(v.capacity() == 2 * old_capacity);
  CHECK(v.get_allocator().next().prepared_bytes() == 0); // taken
  for (std::size_t i = 0; i < old_capacity; ++i) {
    REQUIRE(v[i].price == static_cast<std::int64_t>(i));
  }
  CHECK(v.back().price == -1);
}

TEST_CASE("a copy of a prepared_vector has its own next buffer, and moves keep it", "[core][prepared_growth]") {
  prepared_vector<level_like> a;
  a.reserve(8);
  fill_to_capacity(a);
  REQUIRE(a.get_allocator().next().prepared_bytes() == 16 * sizeof(level_like));
  const prepared_vector<level_like> copy(a);
  CHECK(copy.get_allocator().next().prepared_bytes() == 0);
  CHECK(copy.size() == a.size());
  prepared_vector<level_like> moved(std::move(a));
  CHECK(moved.get_allocator().next().prepared_bytes() == 16 * sizeof(level_like));
  moved.push_back({99, 1, 0, 0, 1, 0});
  CHECK(moved.capacity() == 16);
  CHECK(moved.get_allocator().next().prepared_bytes() == 0);
  CHECK(moved[8].price == 99);
}
