#pragma once
// Internal: a std::vector whose next buffer is ready before it grows, for small tables that grow
// on a latency-sensitive thread (a book's price levels).
//
// Why: a doubling vector copies into a buffer of fresh pages, and each first write to a page is a
// fault (about 20 us on the VMs we measure on): a book's level table growing to 64 KiB took 15
// faults, 300 us, inside one order. prepare_growth(), called after adding elements, allocates the
// buffer the next growth will ask for once the vector is three quarters full and hands it to
// page_memory's background thread; the growth then takes it, and only the copy is left. That copy
// is still O(n): this is for tables that stay small enough to copy in microseconds; an unbounded
// table wants stable chunks (store_detail::chunked_vector).

#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "minibroker/core/detail/page_memory.hpp"

namespace minibroker::core_detail {

// The buffer a vector's next growth will take, shared by the copies of its allocator.
class next_buffer {
public:
  next_buffer() = default;
  next_buffer(const next_buffer&) = delete;
  next_buffer& operator=(const next_buffer&) = delete;
  ~next_buffer() { free_pages(block_, bytes_); }

  // Allocates `bytes` (dropping a prepared buffer of another size) and asks for its pages.
  void prepare(std::size_t bytes) {
    if (bytes_ == bytes && block_ != nullptr) {
      return;
    }
    free_pages(std::exchange(block_, nullptr), bytes_);
    bytes_ = 0;
    block_ = allocate_pages(bytes);
    bytes_ = bytes;
    populate_ahead(block_, bytes);
  }
  // The prepared buffer when it has exactly `bytes`, else nullptr.
  [[nodiscard]] void* take(std::size_t bytes) noexcept {
    if (block_ == nullptr || bytes_ != bytes) {
      return nullptr;
    }
    bytes_ = 0;
    return std::exchange(block_, nullptr);
  }
  [[nodiscard]] std::size_t prepared_bytes() const noexcept { return block_ != nullptr ? bytes_ : 0; }

private:
  void* block_ = nullptr;
  std::size_t bytes_ = 0;
};

// Hands out the prepared buffer when a request fits it exactly, else fresh memory from
// allocate_pages. Each vector gets its own next_buffer: a copy of a vector starts a new one.
template <typename T>
class prepared_allocator {
public:
  using value_type = T;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;

  prepared_allocator() : next_(std::make_shared<next_buffer>()) {}
  // No move: a moved-from vector keeps an allocator it can still use (sharing the buffer is harmless:
  // it goes only to a request of exactly its size, and is freed by whoever takes it).
  prepared_allocator(const prepared_allocator&) = default;
  prepared_allocator& operator=(const prepared_allocator&) = default;
  ~prepared_allocator() = default;
  template <typename U>
  prepared_allocator(const prepared_allocator<U>& other) noexcept : next_(other.next_) {} // NOLINT: rebinding

  [[nodiscard]] T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (void* ready = next_->take(bytes); ready != nullptr) {
      return static_cast<T*>(ready);
    }
    return static_cast<T*>(allocate_pages(bytes));
  }
  void deallocate(T* p, std::size_t n) noexcept { free_pages(p, n * sizeof(T)); }
  [[nodiscard]] prepared_allocator select_on_container_copy_construction() const { return {}; }

  [[nodiscard]] next_buffer& next() const noexcept { return *next_; }
  friend bool operator==(const prepared_allocator& a, const prepared_allocator& b) noexcept {
    return a.next_ == b.next_;
  }

private:
  template <typename U>
  friend class prepared_allocator;
  std::shared_ptr<next_buffer> next_;
};

template <typename T>
using prepared_vector = std::vector<T, prepared_allocator<T>>;

// Call after `v`'s capacity has been made to cover `used` elements. From three quarters of its
// capacity on, makes sure the buffer its next growth asks for (twice the capacity, as libstdc++
// and libc++ grow, and as a caller's reserve(2 * capacity()) asks) is prepared. `used` is
// v.size() for a vector that only grows; for a free list that must never allocate when an
// element comes back, it is the number of elements that can come back.
template <typename T>
void prepare_growth(const prepared_vector<T>& v, std::size_t used) {
  const std::size_t capacity = v.capacity();
  if (capacity > 0 && used * 4 >= capacity * 3) {
    v.get_allocator().next().prepare(2 * capacity * sizeof(T));
  }
}
// Call after adding elements to `v`.
template <typename T>
void prepare_growth(const prepared_vector<T>& v) {
  prepare_growth(v, v.size());
}

} // namespace minibroker::core_detail
