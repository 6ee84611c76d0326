#pragma once
// Internal: order id -> pool slot for resting orders, without hashing. Order ids are issued in
// sequence, so the index is a table in chunks of 2^16 ids; a chunk is recycled once none of its
// orders rests any more, so memory follows the live orders, not every order ever issued.
// Entries are not cleared when an order leaves: callers verify the slot (see order_matcher).

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/ids.hpp"
#include "minibroker/matching/detail/order_pool.hpp"

namespace minibroker::detail {

class order_id_index {
public:
  explicit order_id_index(std::size_t expected_orders) { by_chunk_.reserve(expected_orders / chunk_size + 64); }

  void set(order_id id, std::uint32_t slot) {
    const std::uint64_t c = id.value() >> chunk_bits;
    if (c >= by_chunk_.size()) {
      by_chunk_.resize(c + 1, nullptr);
    }
    if (c != newest_) {
      // The previous newest chunk may have emptied while it was still issuing ids.
      if (newest_ < by_chunk_.size() && by_chunk_[newest_] != nullptr && by_chunk_[newest_]->live == 0) {
        release(newest_);
      }
      newest_ = c;
    }
    chunk*& k = by_chunk_[c];
    if (k == nullptr) {
      k = acquire();
    }
    const auto at = static_cast<std::uint32_t>(id.value() & (chunk_size - 1));
    if (at >= k->written) {
      // Ids in between never rested: nil. Filled as ids are issued, so no request pays for
      // writing a whole chunk.
      std::fill(k->slots + k->written, k->slots + at, nil);
      k->written = at + 1;
    }
    k->slots[at] = slot;
    ++k->live;
  }

  void erase(order_id id) noexcept {
    const std::uint64_t c = id.value() >> chunk_bits;
    chunk* k = by_chunk_[c];
    MINIBROKER_ASSERT(k != nullptr && k->live > 0);
    if (--k->live == 0 && c != newest_) {
      release(c);
    }
  }

  // The slot last set for this id, or nil; it may be stale (verify it).
  [[nodiscard]] std::uint32_t find(order_id id) const noexcept {
    const std::uint64_t c = id.value() >> chunk_bits;
    if (c >= by_chunk_.size() || by_chunk_[c] == nullptr) {
      return nil;
    }
    const chunk& k = *by_chunk_[c];
    const std::uint64_t at = id.value() & (chunk_size - 1);
    return at < k.written ? k.slots[at] : nil;
  }

private:
  static constexpr unsigned chunk_bits = 12;
  static constexpr std::uint64_t chunk_size = std::uint64_t{1} << chunk_bits;
  struct chunk {
    std::uint32_t slots[chunk_size]; // those from `written` on are not initialised
    std::uint32_t live;
    std::uint32_t written;
  };

  chunk* acquire() {
    if (!spare_.empty()) {
      chunk* k = spare_.back();
      spare_.pop_back();
      k->written = 0;
      return k;
    }
    // Not zeroed: 256 KiB written at once would stall the request that needs the chunk.
    chunk* k = owned_.emplace_back(std::make_unique_for_overwrite<chunk>()).get();
    k->live = 0;
    k->written = 0;
    spare_.reserve(owned_.size());
    return k;
  }
  void release(std::uint64_t c) noexcept {
    spare_.push_back(by_chunk_[c]); // capacity reserved in acquire(): no allocation
    by_chunk_[c] = nullptr;
  }

  std::vector<chunk*> by_chunk_;
  std::vector<std::unique_ptr<chunk>> owned_;
  std::vector<chunk*> spare_;
  std::uint64_t newest_ = ~std::uint64_t{0};
};

} // namespace minibroker::detail
