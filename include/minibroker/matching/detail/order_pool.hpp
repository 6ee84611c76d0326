#pragma once
// Internal: order storage of the matching engine. Orders live in fixed-size chunks addressed by a
// 32-bit slot index, so growing the pool never moves an existing order; freed slots go on a free
// list and are reused first.

#include <cstdint>
#include <memory>
#include <vector>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/enums.hpp"
#include "minibroker/core/ids.hpp"
#include "minibroker/core/price.hpp"

namespace minibroker::detail {

inline constexpr std::uint32_t nil = 0xffffffffU;

// What the engine knows about an order while it is being matched or rests.
struct order_data {
  order_id id;
  client_order_id client_id;
  price px; // zero for market orders
  quantity open;
  quantity cum;
  institution_id institution;
  minibroker::side side = side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::gtc;
};

// A resting order: its data and its links in the FIFO of its price level. Aligned to a cache
// line, so that touching an order (and its neighbours, on unlink) costs one line each, not two.
struct alignas(64) order_node {
  order_data d;
  instrument_id instrument;
  std::uint32_t level = nil;
  std::uint32_t prev = nil;
  std::uint32_t next = nil; // also the free-list link
};
static_assert(sizeof(order_node) == 64, "an order should fill one cache line");

class order_pool {
public:
  explicit order_pool(std::size_t reserve) {
    const std::size_t chunks = (reserve + chunk_size - 1) / chunk_size;
    chunks_.reserve(chunks + 64);
    for (std::size_t i = 0; i < chunks; ++i) {
      add_chunk();
    }
  }

  [[nodiscard]] std::uint32_t allocate() {
    std::uint32_t slot = free_;
    if (slot != nil) {
      free_ = (*this)[slot].next;
    } else {
      if (used_ == chunks_.size() * chunk_size) {
        add_chunk();
      }
      slot = used_++;
    }
    ++live_;
    return slot;
  }

  void release(std::uint32_t slot) noexcept { release(slot, (*this)[slot]); }
  // The same, for a caller that holds the slot's order already (a sweep's filled order): its
  // address is not computed again from the slot.
  void release(std::uint32_t slot, order_node& node) noexcept {
    MINIBROKER_ASSERT(slot < used_ && live_ > 0);
    node.next = free_;
    free_ = slot;
    --live_;
  }

  [[nodiscard]] order_node& operator[](std::uint32_t slot) noexcept {
    return chunks_[slot >> chunk_bits][slot & (chunk_size - 1)];
  }
  [[nodiscard]] const order_node& operator[](std::uint32_t slot) const noexcept {
    return chunks_[slot >> chunk_bits][slot & (chunk_size - 1)];
  }
  [[nodiscard]] std::size_t live() const noexcept { return live_; }
  // Slots handed out at least once; every valid slot is below this.
  [[nodiscard]] std::uint32_t used() const noexcept { return used_; }

private:
  static constexpr unsigned chunk_bits = 12;
  static constexpr std::uint32_t chunk_size = 1U << chunk_bits;

  void add_chunk() { chunks_.push_back(std::make_unique<order_node[]>(chunk_size)); }

  std::vector<std::unique_ptr<order_node[]>> chunks_;
  std::uint32_t free_ = nil;
  std::uint32_t used_ = 0; // slots handed out at least once
  std::size_t live_ = 0;
};

} // namespace minibroker::detail
