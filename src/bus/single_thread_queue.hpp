#pragma once
// The queue of a single_threaded bus: every publish, every drain and every stats() on one thread
// (in_memory_bus_config::single_threaded), so nothing here synchronises.
//
// A slot is a link followed by a message. One link serves both lists a slot can be on: the free
// list (a stack, so the slot just freed, still in cache, is the next one taken) and the ready list
// (a FIFO of messages waiting for the consumer). A slot in the consumer's hands is on neither. A
// publish takes a slot, builds the message in it and appends it; the drain takes a batch off the
// front (the messages waiting when it starts, up to the batch size), handles them in order and
// frees their slots. Slots are allocated in chunks as the queue first fills, never more than its
// capacity.
//
// Wake-ups: drain_pending_ is true from the publish that finds the queue idle until the drain
// that finds it empty; while it is true no publish schedules another. What a drain's handlers
// publish to its own queue comes out in a later drain, after the handler that published it has
// returned; a drop_head publish meanwhile drops only what waits, never the batch in hand.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>

#include "local_queue.hpp"

namespace minibroker::bus::detail {

class single_thread_queue final : public local_queue {
public:
  single_thread_queue(const void* owner_bus, std::string queue_name, const payload_type& payload, queue_options options,
                      std::uint32_t order, std::shared_ptr<const void> topics,
                      std::shared_ptr<single_thread_queue> dead_letter, logger log, std::size_t drain_batch);
  ~single_thread_queue() override;

  // Takes a message built by fill(void* slot) (which constructs a message of this queue's type),
  // unless the queue is full under reject_publish.
  template <typename Fill>
  bool push(Fill&& fill);

  void count_type_mismatch() noexcept { ++type_mismatched_; }

  boost::system::result<void> subscribe(const boost::asio::any_io_executor& executor, erased_handler handler) override;
  [[nodiscard]] queue_stats stats() const override;

private:
  struct slot {
    slot* next;
  };

  [[nodiscard]] void* message_of(slot* s) const noexcept { return reinterpret_cast<std::byte*>(s) + message_offset_; }
  slot* make_room(); // a slot when none is free: a new chunk's, the oldest message's, or nullptr
  void grow();
  void free_slot(slot* s) noexcept {
    s->next = free_;
    free_ = s;
  }
  slot* pop_ready() noexcept;
  slot* take_batch() noexcept; // a chain of waiting messages off the ready list, oldest first
  void accepted(slot* s);
  void schedule_drain();
  void post_drain();
  static std::shared_ptr<void> acquire(void* self);
  static void drain_continuation(void* self);
  void drain();
  bool take_dead_letter(void* message) override;

  const payload_type& type_;
  const std::size_t batch_;

  // Slots.
  std::size_t message_offset_;
  std::size_t stride_;
  std::size_t slot_align_;
  std::vector<std::byte*> chunks_;
  std::size_t allocated_ = 0;
  slot* free_ = nullptr;
  slot* ready_head_ = nullptr;
  slot* ready_tail_ = nullptr;

  // Consumer.
  bool subscribed_ = false;
  bool drain_pending_ = false;
  scope_executor executor_;
  erased_handler handler_;

  // Counters.
  std::uint64_t depth_ = 0; // accepted and not yet handled: waiting, or in the consumer's hands
  std::uint64_t published_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t dead_lettered_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t type_mismatched_ = 0;
  std::uint64_t max_depth_ = 0;
};

template <typename Fill>
[[gnu::always_inline]] inline bool single_thread_queue::push(Fill&& fill) {
  slot* s = free_;
  if (s != nullptr) [[likely]] {
    free_ = s->next;
  } else if (s = make_room(); s == nullptr) {
    ++rejected_;
    return false;
  }
  try {
    fill(message_of(s));
  } catch (...) {
    free_slot(s);
    throw;
  }
  accepted(s);
  return true;
}

inline void single_thread_queue::accepted(slot* s) {
  s->next = nullptr;
  if (ready_tail_ != nullptr) {
    ready_tail_->next = s;
  } else {
    ready_head_ = s;
  }
  ready_tail_ = s;
  ++published_;
  if (++depth_ > max_depth_) {
    max_depth_ = depth_;
  }
  if (!drain_pending_ && subscribed_) {
    drain_pending_ = true;
    schedule_drain();
  }
}

inline single_thread_queue::slot* single_thread_queue::pop_ready() noexcept {
  slot* s = ready_head_;
  if (s != nullptr) {
    ready_head_ = s->next;
    if (ready_head_ == nullptr) {
      ready_tail_ = nullptr;
    }
  }
  return s;
}

// Inline: inside a drain on the same executor (the steady state), this drain runs as its
// continuation (continuation.hpp). No reference is counted per hop: a bus destroyed inside a scope
// leaves its queues to the scope (keep_until_closed), and a drain that is posted takes one then
// (acquire).
inline void single_thread_queue::schedule_drain() {
  if (drain_scope::open_for(executor_)) [[likely]] {
    drain_scope::defer({&drain_continuation, this, nullptr, &acquire});
  } else {
    post_drain();
  }
}

} // namespace minibroker::bus::detail
