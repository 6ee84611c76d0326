// The matcher's page storage: objects handed out from growing blocks, released ones first.

#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <vector>

#include "minibroker/core/detail/page_memory.hpp"
#include "minibroker/matching/detail/page_blocks.hpp"

using namespace minibroker;

namespace {
struct alignas(4096) test_page {
  std::uint32_t word[1024];
};
} // namespace

TEST_CASE("page blocks: every object handed out is distinct, page-aligned and stays put", "[matcher][index]") {
  detail::page_blocks<test_page> blocks(2);
  std::vector<test_page*> out;
  for (std::uint32_t i = 0; i < 100; ++i) {
    const auto [p, fresh] = blocks.acquire();
    CHECK(fresh);
    CHECK(reinterpret_cast<std::uintptr_t>(p) % 4096 == 0);
    p->word[0] = i;
    p->word[1023] = i;
    out.push_back(p);
  }
  CHECK(std::set<test_page*>(out.begin(), out.end()).size() == out.size());
  for (std::uint32_t i = 0; i < out.size(); ++i) {
    CHECK(out[i]->word[0] == i); // later blocks never moved or overwrote earlier objects
    CHECK(out[i]->word[1023] == i);
  }
  CHECK(blocks.ever_handed_out() == 100);
}

TEST_CASE("page blocks: released objects are handed out again, as they were, before fresh ones", "[matcher][index]") {
  detail::page_blocks<test_page> blocks;
  const auto a = blocks.acquire().object;
  const auto b = blocks.acquire().object;
  a->word[5] = 55;
  blocks.release(a);
  const auto again = blocks.acquire();
  CHECK(again.object == a);
  CHECK_FALSE(again.fresh);
  CHECK(again.object->word[5] == 55);
  const auto next = blocks.acquire();
  CHECK(next.fresh);
  CHECK(next.object != a);
  CHECK(next.object != b);
  CHECK(blocks.ever_handed_out() == 3);
}

TEST_CASE("page blocks: each new block is handed to the populate thread whole", "[matcher][index]") {
  detail::page_blocks<test_page> blocks(4);
  const auto before = core_detail::wait_for_populate();
  for (int i = 0; i < 4; ++i) { // the first block
    (void)blocks.acquire();
  }
  const auto one = core_detail::wait_for_populate();
  CHECK(one.requests == before.requests + 1);
  // Populated, unless this kernel cannot (then the pages fault on first write, as without it).
  CHECK((one.populated_bytes - before.populated_bytes >= 4 * sizeof(test_page) || one.failures > before.failures));
  (void)blocks.acquire(); // the second block
  CHECK(core_detail::wait_for_populate().requests == before.requests + 2);
}
