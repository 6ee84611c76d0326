// The client id index: dense ids in recycled pages, the rest in a hash map; absent keys are nil.

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "minibroker/matching/detail/client_slot_index.hpp"

using namespace minibroker;
using detail::client_key;
using detail::nil;

namespace {
client_key key(std::uint32_t who, std::uint64_t id) { return client_key{institution_id{who}, client_order_id{id}}; }
} // namespace

TEST_CASE("client slot index: dense, sparse and large-institution keys", "[matcher][index]") {
  detail::client_slot_index index(1 << 10, 16);
  const std::vector<client_key> keys{key(1, 1),       key(2, 1),
                                     key(1, 5000),    key(1, std::uint64_t{1} << 40),
                                     key(100'000, 3), key(7, (std::uint64_t{1} << 32) - 1)};
  for (std::uint32_t i = 0; i < keys.size(); ++i) {
    CHECK(index.find(keys[i]) == nil);
    index.set(keys[i], i);
  }
  for (std::uint32_t i = 0; i < keys.size(); ++i) {
    CHECK(index.find(keys[i]) == i);
  }
  CHECK(index.find(key(1, 2)) == nil);
  CHECK(index.find(key(3, 1)) == nil);
  CHECK(index.find(key(100'000, 4)) == nil);
  for (const auto& k : keys) {
    index.erase(k);
    CHECK(index.find(k) == nil);
  }
}

TEST_CASE("client slot index: a page that empties is reused clean", "[matcher][index]") {
  detail::client_slot_index index(1 << 10, 16);
  for (std::uint64_t round = 0; round < 4; ++round) {
    // Ids move on each round, so pages are released and handed out again.
    const std::uint64_t base = round * 10'000;
    for (std::uint64_t id = base; id < base + 10'000; ++id) {
      index.set(key(1, id), static_cast<std::uint32_t>(id));
    }
    CHECK(index.find(key(1, base + 9'999)) == base + 9'999);
    for (std::uint64_t id = base; id < base + 10'000; id += 2) {
      index.erase(key(1, id));
    }
    for (std::uint64_t id = base; id < base + 10'000; ++id) {
      CHECK(index.find(key(1, id)) == (id % 2 == 0 ? nil : static_cast<std::uint32_t>(id)));
    }
    for (std::uint64_t id = base + 1; id < base + 10'000; id += 2) {
      index.erase(key(1, id));
    }
  }
  CHECK(index.find(key(1, 39'999)) == nil);
}
