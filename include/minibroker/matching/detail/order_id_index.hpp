#pragma once
// Internal: order id -> pool slot for resting orders, without hashing. Order ids are issued in
// sequence, so the index is a table in chunks of 4,096 ids (16 KiB, whole pages from page_blocks,
// mapped ahead of their first use); a chunk is recycled once none of its orders rests any more, so
// memory follows the live orders, not every order ever issued. A chunk's counts sit in the table,
// next to its address. Entries are not cleared when an order leaves: callers verify the slot (see
// order_matcher).

#include <algorithm>
#include <cstdint>
#include <vector>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/ids.hpp"
#include "minibroker/matching/detail/order_pool.hpp"
#include "minibroker/matching/detail/page_blocks.hpp"

namespace minibroker::detail {

class order_id_index {
public:
  explicit order_id_index(std::size_t expected_orders) : storage_(4) {
    by_chunk_.reserve(expected_orders / chunk_size + 64);
  }

  void set(order_id id, std::uint32_t slot) {
    const std::uint64_t c = id.value() >> chunk_bits;
    if (c >= by_chunk_.size()) {
      by_chunk_.resize(c + 1);
    }
    if (c != newest_) {
      // The previous newest chunk may have emptied while it was still issuing ids.
      if (newest_ < by_chunk_.size() && by_chunk_[newest_].at != nullptr && by_chunk_[newest_].live == 0) {
        release(newest_);
      }
      newest_ = c;
    }
    chunk_ref& k = by_chunk_[c];
    if (k.at == nullptr) {
      k.at = storage_.acquire().object;
      k.written = 0;
    }
    const auto at = static_cast<std::uint32_t>(id.value() & (chunk_size - 1));
    if (at >= k.written) {
      // Ids in between never rested: nil. Filled as ids are issued, so no request pays for
      // writing a whole chunk.
      std::fill(k.at->slots + k.written, k.at->slots + at, nil);
      k.written = at + 1;
    }
    k.at->slots[at] = slot;
    ++k.live;
  }

  void erase(order_id id) noexcept {
    const std::uint64_t c = id.value() >> chunk_bits;
    chunk_ref& k = by_chunk_[c];
    MINIBROKER_ASSERT(k.at != nullptr && k.live > 0);
    if (--k.live == 0 && c != newest_) {
      release(c);
    }
  }

  // The slot last set for this id, or nil; it may be stale (verify it).
  [[nodiscard]] std::uint32_t find(order_id id) const noexcept {
    const std::uint64_t c = id.value() >> chunk_bits;
    if (c >= by_chunk_.size() || by_chunk_[c].at == nullptr) {
      return nil;
    }
    const chunk_ref& k = by_chunk_[c];
    const std::uint64_t at = id.value() & (chunk_size - 1);
    return at < k.written ? k.at->slots[at] : nil;
  }

private:
  static constexpr unsigned chunk_bits = 12;
  static constexpr std::uint64_t chunk_size = std::uint64_t{1} << chunk_bits;
  struct alignas(4096) chunk {
    std::uint32_t slots[chunk_size]; // those from the ref's `written` on are not initialised
  };
  struct chunk_ref {
    chunk* at = nullptr;
    std::uint32_t live = 0;
    std::uint32_t written = 0;
  };

  void release(std::uint64_t c) noexcept {
    storage_.release(by_chunk_[c].at);
    by_chunk_[c].at = nullptr;
  }

  std::vector<chunk_ref> by_chunk_;
  page_blocks<chunk> storage_;
  std::uint64_t newest_ = ~std::uint64_t{0};
};

} // namespace minibroker::detail
