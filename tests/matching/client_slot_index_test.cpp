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

TEST_CASE("client slot index: dense and sparse and large-institution keys are found until erased and others are not",
          "[matcher][index]") {
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

TEST_CASE("client slot index: an old page left with a few orders is compacted and its memory reused",
          "[matcher][index]") {
  detail::client_slot_index index(1 << 12, 16);
  for (std::uint64_t id = 0; id < 1024; ++id) { // page 0
    index.set(key(1, id), static_cast<std::uint32_t>(id));
  }
  index.set(key(1, 1500), 1500);     // page 1
  index.set(key(1, 8 * 1024), 8192); // page 8
  CHECK(index.pages_ever_used() == 3);
  // Page 0 keeps 10 orders, spread over it; page 8 is 8 pages newer, so page 0 is compacted.
  for (std::uint64_t id = 0; id < 1024; ++id) {
    if (id % 100 != 7) {
      index.erase(key(1, id));
    }
  }
  for (std::uint64_t id = 0; id < 1024; ++id) {
    CHECK(index.find(key(1, id)) == (id % 100 == 7 ? static_cast<std::uint32_t>(id) : nil));
  }
  CHECK(index.find(key(1, 1500)) == 1500);
  // Page 2 takes page 0's memory.
  index.set(key(1, 2048), 2048);
  CHECK(index.pages_ever_used() == 3);
  CHECK(index.find(key(1, 2048)) == 2048);
  CHECK(index.find(key(1, 7)) == 7);
  // The compacted orders leave one by one; then the ids can rest again.
  for (std::uint64_t id = 7; id < 1024; id += 100) {
    index.erase(key(1, id));
    CHECK(index.find(key(1, id)) == nil);
  }
  index.set(key(1, 7), 70);
  CHECK(index.find(key(1, 7)) == 70);
}

TEST_CASE("client slot index: young pages are not compacted, however few orders they hold", "[matcher][index]") {
  detail::client_slot_index index(1 << 12, 16);
  for (std::uint64_t id = 0; id < 100; ++id) {
    index.set(key(1, id), static_cast<std::uint32_t>(id));
  }
  for (std::uint64_t id = 0; id < 98; ++id) {
    index.erase(key(1, id));
  }
  index.set(key(1, 100), 100);
  index.set(key(1, 1024), 1024); // a new page: page 0 was kept, not recycled
  CHECK(index.pages_ever_used() == 2);
  // Pages fewer than 8 pages older than the newest are young too.
  index.set(key(1, 7 * 1024), 7168);
  index.erase(key(1, 98));
  index.set(key(1, 2 * 1024), 2048);
  CHECK(index.pages_ever_used() == 4);
  CHECK(index.find(key(1, 98)) == nil);
  CHECK(index.find(key(1, 99)) == 99);
  CHECK(index.find(key(1, 100)) == 100);
  CHECK(index.find(key(1, 1024)) == 1024);
}

TEST_CASE("client slot index: a compacted page that fills up again becomes a page", "[matcher][index]") {
  detail::client_slot_index index(1 << 12, 16);
  for (std::uint64_t id = 0; id < 1024; ++id) { // page 0 full
    index.set(key(1, id), static_cast<std::uint32_t>(id));
  }
  index.set(key(1, 1024), 1024);                     // page 1
  index.set(key(1, 8 * 1024), 8192);                 // page 8
  for (std::uint64_t id = 0; id < 1024 - 16; ++id) { // 16 left: compacted
    index.erase(key(1, id));
  }
  CHECK(index.pages_ever_used() == 3);
  // Ids far from the counter: new orders in page 0's range, beyond a small block's room.
  for (std::uint64_t id = 0; id < 50; ++id) {
    index.set(key(1, id), static_cast<std::uint32_t>(id + 5000));
  }
  for (std::uint64_t id = 0; id < 50; ++id) {
    CHECK(index.find(key(1, id)) == id + 5000);
  }
  for (std::uint64_t id = 1024 - 16; id < 1024; ++id) {
    CHECK(index.find(key(1, id)) == id);
  }
  CHECK(index.find(key(1, 500)) == nil);
  CHECK(index.find(key(1, 1024)) == 1024);
}
