// The matcher's page storage: objects handed out from growing blocks, released ones first.

#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <vector>

#include "minibroker/core/detail/page_memory.hpp"
#include "minibroker/matching/detail/page_blocks.hpp"
#include "page_faults.hpp"

using namespace minibroker;

namespace {
struct alignas(4096) test_page {
  std::uint32_t word[1024];
};
} // namespace

using minibroker::test::minor_faults_of_this_thread;
using minibroker::test::sanitizer_heap_faults;
using minibroker::test::sanitizer_shadow_faults;

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

TEST_CASE("page blocks: the first block is mapped at construction, each next one when the one before is half used",
          "[matcher][index]") {
  const auto before = core_detail::wait_for_populate();
  const auto requests = [&before] { return core_detail::wait_for_populate().requests - before.requests; };
  detail::page_blocks<test_page> blocks(4);
  CHECK(requests() == 1); // the first block, of 4, before anything is asked of it
  long faults = minor_faults_of_this_thread();
  test_page* const first = blocks.acquire().object; // populated by now (and the same allocation)
  first->word[0] = 1;
  first->word[1023] = 1;
  CHECK(minor_faults_of_this_thread() - faults <= sanitizer_shadow_faults(sizeof(test_page)) + sanitizer_heap_faults());
  CHECK(requests() == 1);
  (void)blocks.acquire(); // half of it used: the second block (4) is mapped ahead
  CHECK(requests() == 2);
  (void)blocks.acquire();
  (void)blocks.acquire();
  CHECK(requests() == 2);
  faults = minor_faults_of_this_thread();
  // The second block, populated by now. Opening it grows the list of released objects (a heap
  // allocation: AddressSanitizer's allocator may fault pages of its own there).
  test_page* const second = blocks.acquire().object;
  second->word[0] = 1;
  second->word[1023] = 1;
  CHECK(minor_faults_of_this_thread() - faults <= sanitizer_shadow_faults(sizeof(test_page)) + sanitizer_heap_faults());
  CHECK(requests() == 2);
  (void)blocks.acquire(); // half of the second block: the third (8, as many as before it) is mapped
  const auto after = core_detail::wait_for_populate();
  CHECK(after.requests - before.requests == 3);
  // Populated, unless this kernel cannot (then the pages fault on first write, as without it).
  CHECK((after.populated_bytes - before.populated_bytes >= 16 * sizeof(test_page) || after.failures > before.failures));
}
