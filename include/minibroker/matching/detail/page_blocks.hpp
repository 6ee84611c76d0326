#pragma once
// Internal: storage for the matcher's paged indexes. Hands out page-aligned objects from blocks
// that double in size (a growing index allocates O(log n) times and never moves what it handed
// out) and takes them back on a free list, which is used first. An object is first written when
// handed out, so a block costs nothing up front on this thread: a new block's pages are faulted in
// by page_memory's background thread (populate_ahead) while the matcher uses its first ones (a
// first write to a fresh page costs 11-20 us on the VMs we measure on).

#include <algorithm>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <vector>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/detail/page_memory.hpp"

namespace minibroker::detail {

template <typename T>
class page_blocks {
  static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T>);
  static_assert(alignof(T) >= 4096 && sizeof(T) % 4096 == 0, "objects should be whole pages");

public:
  // min_block: objects in the first block.
  explicit page_blocks(std::size_t min_block = 8) : min_block_(min_block) {}

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
      block_size_ = std::max(min_block_, owned_);
      blocks_.push_back(std::make_unique_for_overwrite<T[]>(block_size_));
      core_detail::populate_ahead(blocks_.back().get(), block_size_ * sizeof(T));
      owned_ += block_size_;
      next_in_block_ = 0;
      spare_.reserve(owned_); // so that release() never allocates
    }
    return {&blocks_.back()[next_in_block_++], true};
  }
  void release(T* p) noexcept {
    MINIBROKER_ASSERT(spare_.size() < spare_.capacity());
    spare_.push_back(p);
  }
  // Objects handed out at least once (for tests).
  [[nodiscard]] std::size_t ever_handed_out() const noexcept { return owned_ - (block_size_ - next_in_block_); }

private:
  std::size_t min_block_;
  std::vector<std::unique_ptr<T[]>> blocks_;
  std::size_t owned_ = 0;         // objects in all blocks
  std::size_t block_size_ = 0;    // objects in the last block
  std::size_t next_in_block_ = 0; // objects of the last block handed out at least once
  std::vector<T*> spare_;         // released objects
};

} // namespace minibroker::detail
