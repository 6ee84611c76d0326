#pragma once
// The queue of a bus made for any threads: typed slots recycled through a lock-free free list, a
// moodycamel ConcurrentQueue of ready slot indices, and atomic counters. Publishers on any threads;
// the consumer drains it in batches on its executor.
//
// Wake-ups: count_ is both the depth and the drain token. A publisher enqueues, then increments;
// the one that moves it from 0 posts the drain. The drain takes at most count_ messages, handles
// them and subtracts what it took; it posts itself again while anything remains, and otherwise
// leaves the next 0 -> 1 publisher to post. Only the drain decrements, never below zero, so a
// drain is pending exactly while count_ is above zero: no wake-up is lost and no two drains of one
// queue are ever pending at once. (A message enqueued but not yet counted may be taken in place of
// a counted one; its publisher's increment then covers the one left behind.) Until a consumer
// subscribes, count_ carries unsubscribed_bit, so no publisher sees 0; subscribing clears it and
// posts if messages wait. A drain made due inside another drain on the same executor is that
// drain's continuation rather than a post (continuation.hpp): it is pending all the same.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>
#include <concurrentqueue/concurrentqueue.h>

#include "local_queue.hpp"

namespace minibroker::bus::detail {

// Raises max to value.
inline void update_max(std::atomic<std::uint64_t>& max, std::uint64_t value) noexcept {
  std::uint64_t seen = max.load(std::memory_order_relaxed);
  while (value > seen && !max.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

class any_thread_queue final : public local_queue {
public:
  any_thread_queue(const void* owner_bus, std::string queue_name, const payload_type& payload, queue_options options,
                   std::uint32_t order, std::shared_ptr<const void> topics, std::shared_ptr<local_queue> dead_letter,
                   logger log, std::size_t drain_batch);
  ~any_thread_queue() override;

  // Takes a message built by fill(void* slot) (which constructs a message of this queue's type),
  // unless the queue is full under reject_publish. Any thread.
  template <typename Fill>
  bool push(Fill&& fill);

  void count_type_mismatch() noexcept { type_mismatched_.fetch_add(1, std::memory_order_relaxed); }

  boost::system::result<void> subscribe(const boost::asio::any_io_executor& executor, erased_handler handler) override;
  [[nodiscard]] queue_stats stats() const override;

private:
  static constexpr std::uint32_t no_slot = 0xffffffff;
  static constexpr std::uint32_t vacant_bit = 0x80000000; // an index enqueued without a message
  static constexpr std::uint64_t unsubscribed_bit = std::uint64_t{1} << 62;
  static constexpr unsigned chunk_shift = 10;
  static constexpr std::uint32_t chunk_slots = 1U << chunk_shift;

  // A slot: the free list's link, then the message.
  [[nodiscard]] std::byte* slot(std::uint32_t index) const noexcept {
    return chunks_[index >> chunk_shift].load(std::memory_order_acquire) +
           static_cast<std::size_t>(index & (chunk_slots - 1)) * stride_;
  }
  [[nodiscard]] std::atomic<std::uint32_t>& link(std::uint32_t index) const noexcept {
    return *reinterpret_cast<std::atomic<std::uint32_t>*>(slot(index));
  }
  [[nodiscard]] void* message_at(std::uint32_t index) const noexcept { return slot(index) + message_offset_; }

  std::uint32_t pop_free() noexcept;
  void push_free(const std::uint32_t* indices, std::size_t n) noexcept;
  void link_chain(const std::uint32_t* indices, std::size_t n) noexcept;
  void push_chain(std::uint32_t first, std::uint32_t last) noexcept;
  std::uint32_t take_slot();
  std::uint32_t grow();
  void reserve_first_chunk();
  void accepted();
  void schedule_drain();
  [[nodiscard]] drain_scope::continuation drain_work(); // a drain, to run soon or to post
  static void drain_continuation(void* self);
  void drain();
  bool take_dead_letter(void* message) override;

  const payload_type& type_;

  // Slots.
  std::size_t message_offset_;
  std::size_t stride_;
  std::size_t slot_align_;
  std::unique_ptr<std::atomic<std::byte*>[]> chunks_;
  std::size_t chunk_count_;
  std::mutex grow_mutex_;
  std::uint32_t allocated_ = 0; // guarded by grow_mutex_
  std::atomic<bool> fully_allocated_{false};
  std::atomic<std::uint64_t> free_head_; // (tag << 32) | index, no_slot when empty

  moodycamel::ConcurrentQueue<std::uint32_t> ready_;
  std::atomic<std::uint64_t> count_{unsubscribed_bit};

  // Consumer; written once by subscribe, before count_ lets anyone post a drain.
  std::mutex subscribe_mutex_;
  bool subscribed_ = false; // guarded by subscribe_mutex_
  scope_executor executor_;
  erased_handler handler_;
  std::vector<std::uint32_t> batch_; // the drain's, one drain at a time

  // Counters.
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> dead_lettered_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> type_mismatched_{0};
  std::atomic<std::uint64_t> max_depth_{0};
};

template <typename Fill>
[[gnu::always_inline]] inline bool any_thread_queue::push(Fill&& fill) {
  std::uint32_t index = take_slot();
  bool replaced = false;
  if (index == no_slot && options_.overflow == overflow_policy::drop_head) {
    // Full: take the oldest waiting message's slot. A vacant index (see below) is a free slot.
    std::uint32_t oldest = 0;
    if (ready_.try_dequeue(oldest)) {
      index = oldest & ~vacant_bit;
      if ((oldest & vacant_bit) == 0) {
        type_.destroy(message_at(index));
        dropped_.fetch_add(1, std::memory_order_relaxed);
      }
      replaced = true; // count_ still counts the slot
    } else {
      index = take_slot(); // everything was in a consumer's hands; one may have come back
    }
  }
  if (index == no_slot) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  try {
    fill(message_at(index));
  } catch (...) {
    if (replaced) {
      // count_ counts this slot: hand it to the consumer as vacant so the count stays true.
      ready_.enqueue(index | vacant_bit);
    } else {
      push_free(&index, 1);
    }
    throw;
  }
  published_.fetch_add(1, std::memory_order_relaxed);
  if (!ready_.enqueue(index)) [[unlikely]] {
    // Out of memory for the queue's index blocks: undo.
    published_.fetch_sub(1, std::memory_order_relaxed);
    type_.destroy(message_at(index));
    rejected_.fetch_add(1, std::memory_order_relaxed);
    if (replaced) {
      while (!ready_.enqueue(index | vacant_bit)) {
      }
    } else {
      push_free(&index, 1);
    }
    return false;
  }
  if (!replaced) {
    accepted();
  }
  return true;
}

// Inline: every publish takes a slot, and counts the message.
inline void any_thread_queue::accepted() {
  const std::uint64_t before = count_.fetch_add(1, std::memory_order_acq_rel);
  update_max(max_depth_, (before & ~unsubscribed_bit) + 1);
  if (before == 0) {
    schedule_drain();
  }
}

inline std::uint32_t any_thread_queue::pop_free() noexcept {
  std::uint64_t head = free_head_.load(std::memory_order_acquire);
  while (true) {
    const auto index = static_cast<std::uint32_t>(head);
    if (index == no_slot) {
      return no_slot;
    }
    // The slot may be taken by someone else meanwhile: then the tag has moved and the CAS fails.
    const std::uint64_t next = link(index).load(std::memory_order_relaxed);
    const std::uint64_t tag = (head >> 32) + 1;
    if (free_head_.compare_exchange_weak(head, (tag << 32) | next, std::memory_order_acquire,
                                         std::memory_order_acquire)) {
      return index;
    }
  }
}

inline std::uint32_t any_thread_queue::take_slot() {
  const std::uint32_t index = pop_free();
  if (index != no_slot || fully_allocated_.load(std::memory_order_acquire)) {
    return index;
  }
  return grow();
}

} // namespace minibroker::bus::detail
