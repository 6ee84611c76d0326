#pragma once
// The two ways a bus synchronises, chosen per bus (in_memory_bus_config::single_threaded).
//
// concurrent_threading: publishers on any threads, consumers on any executors. The queues are
// any_thread_queue's (lock-free) and a topic's sequence is a locked add.
//
// single_thread_threading: every publish, every drain and every stats() on one thread (or one
// thread at a time, handed over with a happens-before, as set-up then run). The queues are
// single_thread_queue's, with no locked instruction per message, and a topic's sequence is a plain
// add.

#include <atomic>

#include "any_thread_queue.hpp"
#include "single_thread_queue.hpp"

namespace minibroker::bus::detail {

struct concurrent_threading {
  static constexpr bool one_thread = false;
  using queue = any_thread_queue;

  template <typename T>
  static T fetch_increment(std::atomic<T>& counter) noexcept {
    return counter.fetch_add(1, std::memory_order_relaxed);
  }
};

struct single_thread_threading {
  static constexpr bool one_thread = true;
  using queue = single_thread_queue;

  template <typename T>
  static T fetch_increment(std::atomic<T>& counter) noexcept {
    const T before = counter.load(std::memory_order_relaxed);
    counter.store(before + 1, std::memory_order_relaxed);
    return before;
  }
};

} // namespace minibroker::bus::detail
