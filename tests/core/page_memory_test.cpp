#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>

#include "minibroker/core/detail/page_memory.hpp"
#include "page_faults.hpp"

using namespace minibroker::core_detail;

using minibroker::test::minor_faults_of_this_thread;
using minibroker::test::sanitizer_shadow_faults;

TEST_CASE("allocate_pages gives writable blocks, page aligned from the threshold on", "[core][page_memory]") {
  for (const std::size_t bytes :
       {std::size_t{64}, page_block_threshold - 1, page_block_threshold, std::size_t{5} << 20}) {
    void* const block = allocate_pages(bytes);
    REQUIRE(block != nullptr);
    if (bytes >= page_block_threshold) {
      CHECK(reinterpret_cast<std::uintptr_t>(block) % 4096 == 0);
    }
    std::memset(block, 0xab, bytes);
    CHECK(static_cast<const unsigned char*>(block)[bytes - 1] == 0xab);
    free_pages(block, bytes);
  }
}

TEST_CASE("populate_ahead maps a block's pages without changing what they hold, so writing them faults no page",
          "[core][page_memory]") {
  constexpr std::size_t bytes = std::size_t{8} << 20;
  auto* const block = static_cast<unsigned char*>(allocate_pages(bytes));
  block[0] = 1; // some pages written before: their content must survive
  block[bytes / 2] = 2;
  const populate_stats before = wait_for_populate();
  populate_ahead(block, bytes);
  const populate_stats after = wait_for_populate();
  CHECK(after.requests == before.requests + 1);
  CHECK(after.failures == before.failures);
  CHECK(after.populated_bytes == before.populated_bytes + bytes);
  CHECK(block[0] == 1);
  CHECK(block[bytes / 2] == 2);
  CHECK(block[bytes - 1] == 0);
  const long faults = minor_faults_of_this_thread();
  for (std::size_t i = 0; i < bytes; i += 4096) {
    block[i] = 3;
  }
  CHECK(minor_faults_of_this_thread() - faults <= sanitizer_shadow_faults(bytes));
  free_pages(block, bytes);
}

TEST_CASE("page_buffer moves its block and frees it once", "[core][page_memory]") {
  page_buffer<std::uint64_t> a(page_block_threshold / 8);
  a[0] = 7;
  a[a.size() - 1] = 9;
  page_buffer<std::uint64_t> b(std::move(a));
  CHECK(a.empty()); // NOLINT(bugprone-use-after-move): a moved-from buffer is empty
  CHECK(b[0] == 7);
  CHECK(b[b.size() - 1] == 9);
  page_buffer<std::uint64_t> c(16);
  c = std::move(b);
  CHECK(c.size() == page_block_threshold / 8);
  CHECK(c[0] == 7);
}
