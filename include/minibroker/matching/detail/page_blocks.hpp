#pragma once
// Internal: storage for the matcher's paged indexes. Hands out page-aligned objects from blocks
// that double in size (a growing index allocates O(log n) times and never moves what it handed
// out) and takes them back on a free list, which is used first. No page of a block is first written
// on the owner's thread: each block is mapped when the one before is half used, and page_memory's
// background thread (populate_ahead) faults its pages in meanwhile. (A first write to a fresh page
// costs 11-20 us on the VMs we measure on, and 100-300 us when the host backs fresh memory: a
// block from operator new, whose allocator wrote its headers into fresh pages, made one order in a
// million take 150-600 us.)

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/detail/page_memory.hpp"

namespace minibroker::detail {

template <typename T>
class page_blocks {
  static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T>);
  static_assert(alignof(T) >= 4096 && sizeof(T) % 4096 == 0, "objects should be whole pages");

public:
  // min_block: objects in the first block, which is mapped here: an index first used late in a run
  // (the client index's compacted pages, at the first old page) would otherwise write a block
  // mapped on the spot (a cancel at 125-165 us, one fault, at the same operation of every run).
  explicit page_blocks(std::size_t min_block = 8) : min_block_(min_block) { map_next_block(); }
  page_blocks(const page_blocks&) = delete;
  page_blocks& operator=(const page_blocks&) = delete;
  ~page_blocks() {
    for (const block& b : blocks_) {
      core_detail::unmap_pages(b.first, b.count * sizeof(T));
    }
    core_detail::unmap_pages(next_.first, next_.count * sizeof(T));
  }

  struct handed_out {
    T* object;
    bool fresh; // never handed out before: its contents are undefined; else as it was released
  };
  [[nodiscard]] handed_out acquire() {
    if (!spare_.empty()) {
      T* const p = spare_.back();
      spare_.pop_back();
      return {p, false};
    }
    if (next_in_block_ == block_size_) {
      open_next_block();
    }
    T* const p = &blocks_.back().first[next_in_block_++];
    if (next_.first == nullptr && 2 * next_in_block_ >= block_size_) {
      map_next_block(); // half way through this block: the next one has the other half's time to fill
    }
    return {p, true};
  }
  void release(T* p) noexcept {
    MINIBROKER_ASSERT(spare_.size() < spare_.capacity());
    spare_.push_back(p);
  }
  // Objects handed out at least once (for tests).
  [[nodiscard]] std::size_t ever_handed_out() const noexcept { return owned_ - (block_size_ - next_in_block_); }

private:
  struct block {
    T* first = nullptr;
    std::size_t count = 0;
  };

  // The next block is as large as all before it, so blocks double. It comes from map_pages, which
  // writes none of its pages, and populate_ahead faults them in off this thread.
  void map_next_block() {
    const std::size_t count = std::max(min_block_, owned_);
    next_.first = static_cast<T*>(core_detail::map_pages(count * sizeof(T)));
    next_.count = count;
    core_detail::populate_ahead(next_.first, count * sizeof(T));
  }
  void open_next_block() {
    MINIBROKER_ASSERT(next_.first != nullptr); // mapped at construction, then at half of each block
    blocks_.push_back(std::exchange(next_, block{}));
    block_size_ = blocks_.back().count;
    owned_ += block_size_;
    next_in_block_ = 0;
    spare_.reserve(owned_); // so that release() never allocates
  }

  std::size_t min_block_;
  std::vector<block> blocks_;
  block next_;                    // mapped ahead, not handed out from yet
  std::size_t owned_ = 0;         // objects in all blocks in use
  std::size_t block_size_ = 0;    // objects in the last block
  std::size_t next_in_block_ = 0; // objects of the last block handed out at least once
  std::vector<T*> spare_;         // released objects
};

} // namespace minibroker::detail
