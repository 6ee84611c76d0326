#pragma once
// A growable circular buffer: O(1) push_back and pop_front, O(1) random access, and insert at an
// index that shifts the shorter tail. Capacity is a power of two and never shrinks, so a ring that
// has reached its steady-state size allocates nothing more. For trivially copyable T (index
// entries), not for general use.
//
// Growth never copies the entries wholesale. Up to one segment (64 KiB of entries) a ring is one
// buffer that doubles; past it, the entries live in segments of that size, found through a small
// table, and doubling adds as many segments again: the table is rotated so that the segment of
// the oldest entry comes first, and only the newest entries, those that had wrapped into the
// front of that segment (less than a segment), move into the first new one. Before, a timetable's
// per-instrument index of 65,536 entries copied its 1 MiB in 0.5 to 0.7 ms on the pipeline's
// thread, ten of them (one per instrument) within 0.2 s at 100,000 orders a second.
//
// Page faults: a large buffer asks for its next megabyte to be faulted in off this thread
// (core/detail/page_memory.hpp) as entries reach it, and any ring of a few pages or more asks for
// the memory it will grow into when it is three quarters full.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/detail/page_memory.hpp"

namespace minibroker::store_detail {

template <typename T>
class ring {
  static_assert(std::is_trivially_copyable_v<T>, "ring holds small trivially copyable entries");

public:
  // Entries per segment: a power of two, 64 KiB of them.
  static constexpr std::size_t segment_entries =
      std::bit_floor(std::max<std::size_t>(1, (std::size_t{64} << 10) / sizeof(T)));

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

  [[nodiscard]] const T& operator[](std::size_t i) const noexcept {
    MINIBROKER_ASSERT(i < size_);
    return at((head_ + i) & mask_);
  }
  [[nodiscard]] T& operator[](std::size_t i) noexcept {
    MINIBROKER_ASSERT(i < size_);
    return at((head_ + i) & mask_);
  }
  [[nodiscard]] const T& front() const noexcept { return (*this)[0]; }
  [[nodiscard]] const T& back() const noexcept { return (*this)[size_ - 1]; }

  void push_back(const T& value) {
    grow_if_full();
    const std::size_t p = (head_ + size_) & mask_;
    at(p) = value;
    ++size_;
    after_write(p);
  }

  void pop_front() noexcept {
    MINIBROKER_ASSERT(size_ > 0);
    head_ = (head_ + 1) & mask_;
    --size_;
  }

  // Inserts before position i (0 <= i <= size): the elements from i on move one place back.
  // O(size - i): cheap near the back, which is where late rows land.
  void insert(std::size_t i, const T& value) {
    MINIBROKER_ASSERT(i <= size_);
    grow_if_full();
    for (std::size_t j = size_; j > i; --j) {
      at((head_ + j) & mask_) = at((head_ + j - 1) & mask_);
    }
    at((head_ + i) & mask_) = value;
    ++size_;
    after_write((head_ + size_ - 1) & mask_);
  }

  // Room for at least n entries (rounded up to a power of two), so that a ring whose bound is
  // known never grows. Memory is touched only as entries arrive.
  void reserve(std::size_t n) {
    if (n <= capacity_) {
      return;
    }
    const std::size_t target = std::bit_ceil(n);
    if (target <= segment_entries) {
      reallocate_single(target);
    } else if (capacity_ <= segment_entries) {
      reserve_segments(target);
    } else {
      while (capacity_ < target) {
        add_segments();
      }
    }
  }

  void clear() noexcept {
    head_ = 0;
    size_ = 0;
  }

  // First index whose projected value is not less than v (like std::lower_bound).
  template <typename V, typename Proj>
  [[nodiscard]] std::size_t lower_bound(const V& v, Proj proj) const {
    return partition_point([&](const T& e) { return proj(e) < v; });
  }
  // First index whose projected value is greater than v (like std::upper_bound).
  template <typename V, typename Proj>
  [[nodiscard]] std::size_t upper_bound(const V& v, Proj proj) const {
    return partition_point([&](const T& e) { return !(v < proj(e)); });
  }

private:
  // Entries per megabyte (a power of two, as capacities are).
  static constexpr std::size_t populate_region =
      std::bit_floor(std::max<std::size_t>(1, (std::size_t{1} << 20) / sizeof(T)));
  static constexpr std::size_t never = ~std::size_t{0};
  // Memory to grow into this large or larger is prepared ahead (below it, a fault or two at most).
  static constexpr std::size_t prepare_from_bytes = std::size_t{16} << 10;

  // p is a position in [0, capacity): where entry i lives is position (head + i) & mask.
  [[nodiscard]] T& at(std::size_t p) noexcept { return segments_[p >> shift_][p & offset_mask_]; }
  [[nodiscard]] const T& at(std::size_t p) const noexcept { return segments_[p >> shift_][p & offset_mask_]; }

  // Entries the next growth allocates: a buffer twice as large, or as many segments again.
  [[nodiscard]] std::size_t next_allocation() const noexcept {
    return capacity_ < segment_entries ? 2 * capacity_ : capacity_;
  }

  void after_write(std::size_t p) {
    if (size_ == prepare_at_) [[unlikely]] {
      prepare_next();
    }
    if ((p & (populate_region - 1)) == 0 && capacity_ >= 2 * populate_region) [[unlikely]] {
      // The write position has entered a region: the one after it is prepared.
      populate_positions((p + populate_region) & mask_, populate_region);
    }
  }

  // Asks for the memory of positions [from, from + count) (mod capacity) to be faulted in, one
  // request per stretch that is contiguous in memory.
  void populate_positions(std::size_t from, std::size_t count) {
    const std::size_t run = std::size_t{1} << shift_; // entries of one segment (or the one buffer)
    const T* start = nullptr;
    std::size_t length = 0;
    while (count > 0) {
      const std::size_t offset = from & offset_mask_;
      const std::size_t n = std::min(count, run - offset);
      const T* here = &at(from);
      if (start != nullptr && here == start + length) {
        length += n;
      } else {
        if (start != nullptr) {
          core_detail::populate_ahead(start, length * sizeof(T));
        }
        start = here;
        length = n;
      }
      from = (from + n) & mask_;
      count -= n;
    }
    if (start != nullptr) {
      core_detail::populate_ahead(start, length * sizeof(T));
    }
  }

  template <typename Pred>
  [[nodiscard]] std::size_t partition_point(Pred pred) const {
    std::size_t first = 0;
    std::size_t count = size_;
    while (count > 0) {
      const std::size_t half = count / 2;
      if (pred((*this)[first + half])) {
        first += half + 1;
        count -= half + 1;
      } else {
        count = half;
      }
    }
    return first;
  }

  void grow_if_full() {
    if (size_ < capacity_) {
      return;
    }
    if (capacity_ == 0) {
      reallocate_single(16);
    } else if (capacity_ < segment_entries) {
      reallocate_single(2 * capacity_);
    } else {
      add_segments();
    }
  }

  // Three quarters full: the memory it will grow into is allocated now and populated off this
  // thread, so that growing, when it comes, faults no page here.
  void prepare_next() {
    if (!next_.empty()) {
      return; // prepared already: the ring shrank below three quarters and came back
    }
    next_ = core_detail::page_buffer<T>(next_allocation());
    core_detail::populate_ahead(next_.data(), next_.size() * sizeof(T));
  }

  [[nodiscard]] core_detail::page_buffer<T> take_next(std::size_t entries) {
    core_detail::page_buffer<T> block =
        next_.size() == entries ? std::move(next_) : core_detail::page_buffer<T>(entries);
    next_ = {};
    return block;
  }

  void set_capacity(std::size_t capacity) {
    capacity_ = capacity;
    mask_ = capacity - 1;
    shift_ = static_cast<unsigned>(std::countr_zero(std::min(capacity, segment_entries)));
    offset_mask_ = (std::size_t{1} << shift_) - 1;
    prepare_at_ = next_allocation() * sizeof(T) >= prepare_from_bytes ? capacity - capacity / 4 : never;
  }

  // One buffer of `capacity` entries (at most a segment) holding the entries from position 0.
  void reallocate_single(std::size_t capacity) {
    core_detail::page_buffer<T> buffer = take_next(capacity);
    for (std::size_t i = 0; i < size_; ++i) {
      buffer[i] = (*this)[i];
    }
    blocks_.clear();
    segments_.assign(1, buffer.data());
    blocks_.push_back(std::move(buffer));
    head_ = 0;
    set_capacity(capacity);
  }

  // From one buffer (or none) to segments in one block of `capacity` entries, reserved: its pages
  // are faulted in a region ahead of the entries as they come.
  void reserve_segments(std::size_t capacity) {
    core_detail::page_buffer<T> block(capacity);
    for (std::size_t i = 0; i < size_; ++i) {
      block[i] = (*this)[i];
    }
    blocks_.clear();
    segments_.clear();
    for (std::size_t k = 0; k < capacity / segment_entries; ++k) {
      segments_.push_back(block.data() + k * segment_entries);
    }
    blocks_.push_back(std::move(block));
    head_ = 0;
    set_capacity(capacity);
    if (capacity * sizeof(T) >= core_detail::page_block_threshold) {
      // The entries about to be written, up to the end of the region after the current one.
      populate_positions(size_, std::min(capacity - size_, 2 * populate_region - (size_ & (populate_region - 1))));
    }
  }

  // Doubles a ring of segments: the table is rotated so that the oldest entry's segment comes
  // first, and as many new segments follow. Entry i stays at position (offset of the oldest) + i,
  // so every entry keeps its place but the newest ones that had wrapped into the front of the
  // oldest entry's segment: those move into the same offsets of the first new segment.
  void add_segments() {
    const std::size_t n = segments_.size();
    const std::size_t first = head_ >> shift_;
    const std::size_t offset = head_ & offset_mask_;
    const bool prepared = next_.size() == capacity_;
    core_detail::page_buffer<T> block = take_next(capacity_);
    std::vector<T*> table;
    table.reserve(2 * n);
    for (std::size_t k = 0; k < n; ++k) {
      table.push_back(segments_[(first + k) & (n - 1)]);
    }
    for (std::size_t k = 0; k < n; ++k) {
      table.push_back(block.data() + k * segment_entries);
    }
    const std::size_t wrapped = size_ > capacity_ - offset ? size_ - (capacity_ - offset) : 0;
    std::copy_n(table[0], wrapped, table[n]);
    segments_ = std::move(table);
    blocks_.push_back(std::move(block));
    head_ = offset;
    set_capacity(2 * capacity_);
    if (!prepared) { // grown by reserve(), or before three quarters: the next entries' pages
      populate_positions((head_ + size_) & mask_, std::min(capacity_ - size_, populate_region));
    }
  }

  std::vector<core_detail::page_buffer<T>> blocks_; // own the memory segments_ points into
  std::vector<T*> segments_;                        // a power of two of them, or one buffer
  core_detail::page_buffer<T> next_;                // prepared ahead: next_allocation() entries, or empty
  std::size_t capacity_ = 0;
  std::size_t mask_ = 0;        // capacity - 1
  unsigned shift_ = 0;          // log2 of the entries of a segment (or of the one buffer)
  std::size_t offset_mask_ = 0; // (1 << shift_) - 1
  std::size_t prepare_at_ = never;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

} // namespace minibroker::store_detail
