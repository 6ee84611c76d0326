#pragma once
// Memory for the tables that grow with a run (order stores, timetables' rows and indexes), with
// its page faults taken off the thread that writes it.
//
// Why: the first write to a 4 KiB page is a page fault, and on the VMs this project is measured on
// one costs about 20 us (the host maps the page too; about 1 us on bare metal). The in-process
// pipeline at 100,000 orders a second grows its stores by tens of MB a second: thousands of
// faults a second on the thread that serves the orders, stalls that were most of its latency
// tail, and a fifth of its CPU time at saturation. A growing table asks populate_ahead() for the
// memory it will write next; a background thread faults those pages in while the table fills the
// ones before.

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace minibroker::core_detail {

// Blocks of at least this many bytes are aligned to a page, so that populate_ahead covers them
// whole.
inline constexpr std::size_t page_block_threshold = std::size_t{256} << 10;

// At least `bytes` bytes, aligned for any object (to a page at page_block_threshold and above).
// Throws std::bad_alloc.
[[nodiscard]] void* allocate_pages(std::size_t bytes);
// `bytes` must be what allocate_pages was given.
void free_pages(void* block, std::size_t bytes) noexcept;

// Whole pages straight from the kernel (mmap), none of them written: no allocator writes a header
// into them, so a block handed to populate_ahead is never first touched by its owner's thread.
// For blocks that live as long as their owner. Throws std::bad_alloc.
[[nodiscard]] void* map_pages(std::size_t bytes);
// `bytes` must be what map_pages was given.
void unmap_pages(void* block, std::size_t bytes) noexcept;

// Asks the background thread to fault in the whole pages of [block, block + bytes) before they
// are first written (MADV_POPULATE_WRITE: the pages are mapped and what they hold is unchanged, so
// the owner may write them meanwhile). Returns at once. The thread starts with the first request.
// A range freed before its turn is harmless: populating it fails, or maps pages someone else
// will write.
void populate_ahead(const void* block, std::size_t bytes);

struct populate_stats {
  std::uint64_t requests = 0;
  std::uint64_t populated_bytes = 0; // in whole pages
  std::uint64_t failures = 0;        // a kernel without MADV_POPULATE_WRITE, or a range gone
};
// Waits until every request made before the call has been handled, and returns the totals so far.
// For tests and benchmarks.
populate_stats wait_for_populate();

// An owned array of n trivially copyable T from allocate_pages, left unwritten: a large buffer
// reserved ahead costs memory only as its pages are first written.
template <typename T>
class page_buffer {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

public:
  page_buffer() = default;
  explicit page_buffer(std::size_t n) : data_(static_cast<T*>(allocate_pages(n * sizeof(T)))), size_(n) {}
  page_buffer(const page_buffer&) = delete;
  page_buffer& operator=(const page_buffer&) = delete;
  page_buffer(page_buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  page_buffer& operator=(page_buffer&& other) noexcept {
    if (this != &other) {
      free_pages(data_, size_ * sizeof(T));
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  ~page_buffer() { free_pages(data_, size_ * sizeof(T)); }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] T* data() noexcept { return data_; }
  [[nodiscard]] T& operator[](std::size_t i) noexcept { return data_[i]; }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return data_[i]; }

private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

} // namespace minibroker::core_detail
