#pragma once
// Append-only storage with stable addresses and O(1) access by index: the rows of a store that
// only grows. Elements live in chunks that are never moved or copied (a std::vector's doubling
// copies every element at once, a stop-the-world pause in a store of millions of orders). Chunk
// k holds first_chunk << k elements until a chunk reaches 2 MiB; every chunk after that is that
// size, so a small store holds no more than it needs. From page_block_threshold bytes on, the next
// chunk is allocated when one is opened and faulted in off this thread while this one fills
// (core/detail/page_memory.hpp).

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/detail/page_memory.hpp"

namespace minibroker::store_detail {

template <typename T>
class chunked_vector {
  static constexpr std::size_t first_chunk = 16;
  static constexpr std::size_t max_chunk = std::max(first_chunk, std::bit_floor((std::size_t{2} << 20) / sizeof(T)));
  static constexpr std::size_t geometric_chunks = std::bit_width(max_chunk / first_chunk); // up to max_chunk
  static constexpr std::size_t geometric_elements = 2 * max_chunk - first_chunk;           // in those chunks

public:
  class const_iterator {
  public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;

    const_iterator() = default;
    reference operator*() const noexcept { return (*owner_)[index_]; }
    pointer operator->() const noexcept { return &(*owner_)[index_]; }
    const_iterator& operator++() noexcept {
      ++index_;
      return *this;
    }
    const_iterator operator++(int) noexcept {
      const_iterator before = *this;
      ++index_;
      return before;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) noexcept { return a.index_ == b.index_; }

  private:
    friend class chunked_vector;
    const_iterator(const chunked_vector* owner, std::size_t index) noexcept : owner_(owner), index_(index) {}
    const chunked_vector* owner_ = nullptr;
    std::size_t index_ = 0;
  };

  chunked_vector() = default;
  chunked_vector(const chunked_vector&) = delete; // rows are referred to by address
  chunked_vector& operator=(const chunked_vector&) = delete;
  chunked_vector(chunked_vector&& other) noexcept
      : chunks_(std::move(other.chunks_)), spare_(std::exchange(other.spare_, nullptr)),
        size_(std::exchange(other.size_, 0)) {
    other.chunks_.clear();
  }
  chunked_vector& operator=(chunked_vector&& other) noexcept {
    if (this != &other) {
      release();
      chunks_ = std::move(other.chunks_);
      other.chunks_.clear();
      spare_ = std::exchange(other.spare_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  ~chunked_vector() { release(); }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

  [[nodiscard]] T& operator[](std::size_t i) noexcept {
    MINIBROKER_ASSERT(i < size_);
    const auto [chunk, offset] = locate(i);
    return chunks_[chunk][offset];
  }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept {
    MINIBROKER_ASSERT(i < size_);
    const auto [chunk, offset] = locate(i);
    return chunks_[chunk][offset];
  }
  [[nodiscard]] T& back() noexcept { return (*this)[size_ - 1]; }
  [[nodiscard]] const T& back() const noexcept { return (*this)[size_ - 1]; }

  // Appends a copy and returns it; the addresses of the elements before it do not change.
  T& push_back(const T& value) { return emplace_back(value); }
  // Appends T{args...}, built in place, and returns it.
  template <typename... Args>
  T& emplace_back(Args&&... args) {
    const auto [chunk, offset] = locate(size_);
    if (chunk == chunks_.size()) {
      open_chunk(chunk);
    }
    T* const at = chunks_[chunk] + offset;
    prefetch_ahead_of(at);
    T* const slot = ::new (static_cast<void*>(at)) T{std::forward<Args>(args)...};
    ++size_;
    return *slot;
  }

  [[nodiscard]] const_iterator begin() const noexcept { return {this, 0}; }
  [[nodiscard]] const_iterator end() const noexcept { return {this, size_}; }

private:
  // The rows a growing table writes are lines nothing has touched yet: each store to one misses
  // all the caches, waits in the store buffer for its line, and a full store buffer stalls
  // everything behind it. The lines of the element this many places ahead are fetched now, so
  // its stores find them in the cache (the in-process pipeline at saturation: 7 to 19% more orders
  // a second in alternated rounds; BENCHMARKS.md, end to end, twelfth session).
  static constexpr std::size_t prefetch_distance = 8;
  static constexpr std::size_t cache_line = 64;

  // Unconditional on purpose: a prefetch never faults, so near the end of a chunk it may look past
  // it, harmlessly (and GCC 12 at -O2 dropped a bounds-checked one altogether). The address is
  // computed as an integer: a pointer past the chunk would be undefined.
  static void prefetch_ahead_of(const T* slot) noexcept {
    const std::uintptr_t ahead = reinterpret_cast<std::uintptr_t>(slot) + prefetch_distance * sizeof(T);
    for (std::size_t b = 0; b < sizeof(T); b += cache_line) {
      __builtin_prefetch(reinterpret_cast<const void*>(ahead + b), 1, 3);
    }
    __builtin_prefetch(reinterpret_cast<const void*>(ahead + sizeof(T) - 1), 1, 3); // the last line
  }

  struct position {
    std::size_t chunk;
    std::size_t offset;
  };

  // Chunk k < geometric_chunks starts at first_chunk * (2^k - 1) and holds first_chunk << k.
  static position locate(std::size_t i) noexcept {
    if (i < geometric_elements) [[likely]] {
      const std::size_t chunk = std::bit_width(i / first_chunk + 1) - 1;
      return {chunk, i - first_chunk * ((std::size_t{1} << chunk) - 1)};
    }
    const std::size_t beyond = i - geometric_elements;
    return {geometric_chunks + beyond / max_chunk, beyond % max_chunk};
  }
  static std::size_t capacity_of(std::size_t chunk) noexcept {
    return chunk < geometric_chunks ? first_chunk << chunk : max_chunk;
  }
  static std::size_t bytes_of(std::size_t chunk) noexcept { return capacity_of(chunk) * sizeof(T); }

  void open_chunk(std::size_t chunk) {
    chunks_.reserve(chunk + 1);
    T* block = std::exchange(spare_, nullptr);
    if (block == nullptr) {
      block = static_cast<T*>(core_detail::allocate_pages(bytes_of(chunk)));
    }
    chunks_.push_back(block);
    if (bytes_of(chunk + 1) >= core_detail::page_block_threshold) {
      spare_ = static_cast<T*>(core_detail::allocate_pages(bytes_of(chunk + 1)));
      core_detail::populate_ahead(spare_, bytes_of(chunk + 1));
    }
  }

  void release() noexcept {
    for (std::size_t i = 0; i < size_; ++i) {
      (*this)[i].~T();
    }
    for (std::size_t k = 0; k < chunks_.size(); ++k) {
      core_detail::free_pages(chunks_[k], bytes_of(k));
    }
    core_detail::free_pages(std::exchange(spare_, nullptr), bytes_of(chunks_.size()));
    chunks_.clear();
    size_ = 0;
  }

  std::vector<T*> chunks_;
  T* spare_ = nullptr; // the next chunk, when it is allocated ahead
  std::size_t size_ = 0;
};

} // namespace minibroker::store_detail
