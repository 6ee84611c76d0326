#pragma once
// The two ways a local_queue synchronises, chosen per bus (in_memory_bus_config::single_threaded).
//
// concurrent_threading: publishers on any threads, consumers on any executors. Counters are
// std::atomic, the ready list is a moodycamel ConcurrentQueue.
//
// single_thread_threading: every publish, every drain and every stats() on one thread (or one
// thread at a time, handed over with a happens-before, as set-up then run). Counters are plain
// integers behind std::atomic's interface, the ready list a plain ring: no locked instruction and
// no producer lookup per message. The queue's logic is the same code for both.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

#include <concurrentqueue/concurrentqueue.h>

namespace minibroker::bus::detail {

// std::atomic's interface over a plain value, for one thread.
template <typename T>
class unsynchronised {
public:
  constexpr unsynchronised(T value = T{}) noexcept : value_(value) {} // NOLINT(google-explicit-constructor)

  [[nodiscard]] T load(std::memory_order = std::memory_order_seq_cst) const noexcept { return value_; }
  void store(T value, std::memory_order = std::memory_order_seq_cst) noexcept { value_ = value; }
  T fetch_add(T delta, std::memory_order = std::memory_order_seq_cst) noexcept {
    const T before = value_;
    value_ += delta;
    return before;
  }
  T fetch_sub(T delta, std::memory_order = std::memory_order_seq_cst) noexcept {
    const T before = value_;
    value_ -= delta;
    return before;
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order = std::memory_order_seq_cst,
                             std::memory_order = std::memory_order_seq_cst) noexcept {
    if (value_ != expected) {
      expected = value_;
      return false;
    }
    value_ = desired;
    return true;
  }

private:
  T value_;
};

// A FIFO of slot indices for one thread, with the three calls local_queue makes of a
// ConcurrentQueue. A power-of-two ring that doubles when full: it never holds more indices than
// the queue has slots, so it stops growing with them.
class index_ring {
public:
  // False when growing the ring failed (out of memory), as ConcurrentQueue's enqueue.
  bool enqueue(std::uint32_t index) noexcept {
    if (size_ == capacity_ && !grow()) [[unlikely]] {
      return false;
    }
    ring_[(head_ + size_) & (capacity_ - 1)] = index;
    ++size_;
    return true;
  }

  bool try_dequeue(std::uint32_t& index) noexcept { return try_dequeue_bulk(&index, 1) == 1; }

  // Takes up to max indices, oldest first, into out; returns how many.
  std::size_t try_dequeue_bulk(std::uint32_t* out, std::size_t max) noexcept {
    const std::size_t n = std::min(max, size_);
    // A loop, not two copies: a drain mostly takes one index, where memmove's calls cost more.
    for (std::size_t i = 0; i < n; ++i) {
      out[i] = ring_[(head_ + i) & (capacity_ - 1)];
    }
    head_ = (head_ + n) & (capacity_ - 1);
    size_ -= n;
    return n;
  }

private:
  static constexpr std::size_t first_capacity = 1024; // a queue's first chunk of slots

  bool grow() noexcept {
    const std::size_t capacity = capacity_ == 0 ? first_capacity : capacity_ * 2;
    std::unique_ptr<std::uint32_t[]> ring(new (std::nothrow) std::uint32_t[capacity]);
    if (!ring) {
      return false;
    }
    const std::size_t n = size_;
    try_dequeue_bulk(ring.get(), n);
    ring_ = std::move(ring);
    capacity_ = capacity;
    head_ = 0;
    size_ = n;
    return true;
  }

  std::unique_ptr<std::uint32_t[]> ring_;
  std::size_t capacity_ = 0; // a power of two, or 0 before the first enqueue
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

// Each policy also bumps the counters the bus shares between its queues' publishers (a topic's
// sequence): a locked add, or a plain one.
struct concurrent_threading {
  static constexpr bool one_thread = false;
  template <typename T>
  using atomic = std::atomic<T>;
  using ready_list = moodycamel::ConcurrentQueue<std::uint32_t>;

  template <typename T>
  static T fetch_increment(std::atomic<T>& counter) noexcept {
    return counter.fetch_add(1, std::memory_order_relaxed);
  }
};

struct single_thread_threading {
  static constexpr bool one_thread = true;
  template <typename T>
  using atomic = unsynchronised<T>;
  using ready_list = index_ring;

  template <typename T>
  static T fetch_increment(std::atomic<T>& counter) noexcept {
    const T before = counter.load(std::memory_order_relaxed);
    counter.store(before + 1, std::memory_order_relaxed);
    return before;
  }
};

} // namespace minibroker::bus::detail
