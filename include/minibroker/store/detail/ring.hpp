#pragma once
// A growable circular buffer: O(1) push_back and pop_front, O(1) random access, and insert at an
// index that shifts the shorter tail. Capacity is a power of two and never shrinks, so a ring that
// has reached its steady-state size allocates nothing more. For trivially copyable T (index
// entries), not for general use. A large buffer asks for its next megabyte to be faulted in off
// this thread (core/detail/page_memory.hpp) as entries reach it, and any buffer of a few pages or
// more asks for the buffer it will grow into when it is three quarters full: a timetable's
// per-key rings stay small for a while, and doubling through fresh heap pages cost the pipeline's
// thread about a thousand faults in its first second at 100,000 orders a second.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/detail/page_memory.hpp"

namespace minibroker::store_detail {

template <typename T>
class ring {
  static_assert(std::is_trivially_copyable_v<T>, "ring holds small trivially copyable entries");

public:
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::size_t capacity() const noexcept { return buffer_.size(); }

  [[nodiscard]] const T& operator[](std::size_t i) const noexcept {
    MINIBROKER_ASSERT(i < size_);
    return buffer_[(head_ + i) & mask_];
  }
  [[nodiscard]] T& operator[](std::size_t i) noexcept {
    MINIBROKER_ASSERT(i < size_);
    return buffer_[(head_ + i) & mask_];
  }
  [[nodiscard]] const T& front() const noexcept { return (*this)[0]; }
  [[nodiscard]] const T& back() const noexcept { return (*this)[size_ - 1]; }

  void push_back(const T& value) {
    grow_if_full();
    const std::size_t at = (head_ + size_) & mask_;
    buffer_[at] = value;
    ++size_;
    if (size_ == prepare_at_) [[unlikely]] {
      prepare_next_buffer();
    }
    if ((at & (populate_region - 1)) == 0) [[unlikely]] {
      populate_after(at);
    }
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
      buffer_[(head_ + j) & mask_] = buffer_[(head_ + j - 1) & mask_];
    }
    buffer_[(head_ + i) & mask_] = value;
    ++size_;
    if (size_ == prepare_at_) [[unlikely]] {
      prepare_next_buffer();
    }
  }

  // Room for at least n entries (rounded up to a power of two), so that a ring whose bound is
  // known never copies itself to grow. Memory is touched only as entries arrive.
  void reserve(std::size_t n) {
    if (n > buffer_.size()) {
      reallocate(std::bit_ceil(n));
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

  // The write position has entered the region starting at `at`: the one after it is prepared.
  void populate_after(std::size_t at) {
    if (buffer_.size() >= 2 * populate_region) {
      core_detail::populate_ahead(&buffer_[(at + populate_region) & mask_], populate_region * sizeof(T));
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
    if (size_ < buffer_.size()) {
      return;
    }
    reallocate(buffer_.empty() ? 16 : buffer_.size() * 2);
  }

  // Three quarters full: the buffer it will grow into is allocated now and populated off this
  // thread, so that the copy into it, when it comes, faults no page here.
  void prepare_next_buffer() {
    if (!next_.empty()) {
      return; // prepared already: the ring shrank below three quarters and came back
    }
    next_ = core_detail::page_buffer<T>(buffer_.size() * 2);
    core_detail::populate_ahead(next_.data(), next_.size() * sizeof(T));
  }

  void reallocate(std::size_t capacity) {
    core_detail::page_buffer<T> bigger =
        next_.size() == capacity ? std::move(next_) : core_detail::page_buffer<T>(capacity);
    next_ = {};
    for (std::size_t i = 0; i < size_; ++i) {
      bigger[i] = (*this)[i];
    }
    buffer_ = std::move(bigger);
    head_ = 0;
    mask_ = buffer_.size() - 1;
    prepare_at_ = 2 * capacity * sizeof(T) >= prepare_from_bytes ? capacity - capacity / 4 : never;
    if (capacity * sizeof(T) >= core_detail::page_block_threshold) {
      // The entries about to be written, up to the end of the region after the current one.
      const std::size_t ahead = std::min(capacity - size_, 2 * populate_region - (size_ & (populate_region - 1)));
      core_detail::populate_ahead(&buffer_[size_], ahead * sizeof(T));
    }
  }

  static constexpr std::size_t never = ~std::size_t{0};
  // A next buffer this large or larger is prepared ahead (below it, a fault or two at most).
  static constexpr std::size_t prepare_from_bytes = std::size_t{16} << 10;

  core_detail::page_buffer<T> buffer_;
  core_detail::page_buffer<T> next_; // prepared ahead: twice buffer_'s size, or empty
  std::size_t prepare_at_ = never;   // the size at which next_ is prepared
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
};

} // namespace minibroker::store_detail
