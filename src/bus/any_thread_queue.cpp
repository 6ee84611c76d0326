#include "any_thread_queue.hpp"

#include <algorithm>
#include <new>
#include <utility>

#include "minibroker/bus/continuation.hpp"
#include "minibroker/core/assert.hpp"

namespace minibroker::bus::detail {
any_thread_queue::any_thread_queue(const void* owner_bus, std::string queue_name, const payload_type& payload,
                                   queue_options options, std::uint32_t order_, std::shared_ptr<const void> topics,
                                   std::shared_ptr<local_queue> dead_letter, logger log, std::size_t drain_batch)
    : local_queue(owner_bus, std::move(queue_name), payload, std::move(options), order_, std::move(topics),
                  std::move(dead_letter), std::move(log)),
      type_(payload),
      slot_align_(std::max({payload.align, alignof(std::atomic<std::uint32_t>), alignof(std::max_align_t)})),
      free_head_(no_slot), batch_(std::max<std::size_t>(drain_batch, 1)) {
  MINIBROKER_ASSERT(options_.capacity >= 1 && options_.capacity <= max_capacity);
  message_offset_ = round_up(sizeof(std::atomic<std::uint32_t>), payload.align);
  stride_ = round_up(message_offset_ + payload.size, slot_align_);
  chunk_count_ = (options_.capacity + chunk_slots - 1) / chunk_slots;
  chunks_ = std::make_unique<std::atomic<std::byte*>[]>(chunk_count_);
  for (std::size_t i = 0; i < chunk_count_; ++i) {
    chunks_[i].store(nullptr, std::memory_order_relaxed);
  }
}

any_thread_queue::~any_thread_queue() {
  // No drain is pending (it would hold a reference), so whatever waits is ours to destroy.
  std::uint32_t index = 0;
  while (ready_.try_dequeue(index)) {
    if ((index & vacant_bit) == 0) {
      type_.destroy(message_at(index));
    }
  }
  for (std::size_t i = 0; i < chunk_count_; ++i) {
    if (std::byte* chunk = chunks_[i].load(std::memory_order_relaxed)) {
      ::operator delete (chunk, std::align_val_t{slot_align_});
    }
  }
}

void any_thread_queue::push_free(const std::uint32_t* indices, std::size_t n) noexcept {
  if (n == 0) {
    return;
  }
  link_chain(indices, n);
  push_chain(indices[0], indices[n - 1]);
}

void any_thread_queue::link_chain(const std::uint32_t* indices, std::size_t n) noexcept {
  for (std::size_t i = 0; i + 1 < n; ++i) {
    link(indices[i]).store(indices[i + 1], std::memory_order_relaxed);
  }
}

void any_thread_queue::push_chain(std::uint32_t first, std::uint32_t last) noexcept {
  std::atomic<std::uint32_t>& last_link = link(last);
  std::uint64_t head = free_head_.load(std::memory_order_relaxed);
  while (true) {
    last_link.store(static_cast<std::uint32_t>(head), std::memory_order_relaxed);
    const std::uint64_t tag = (head >> 32) + 1;
    if (free_head_.compare_exchange_weak(head, (tag << 32) | first, std::memory_order_release,
                                         std::memory_order_relaxed)) {
      return;
    }
  }
}

std::uint32_t any_thread_queue::grow() {
  std::lock_guard lock(grow_mutex_);
  if (const std::uint32_t index = pop_free(); index != no_slot) {
    return index;
  }
  if (allocated_ >= options_.capacity) {
    return no_slot;
  }
  const std::uint32_t first = allocated_;
  const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(chunk_slots, options_.capacity - first));
  auto* chunk = static_cast<std::byte*>(::operator new (n* stride_, std::align_val_t{slot_align_}));
  for (std::uint32_t i = 0; i < n; ++i) {
    ::new (chunk + i * stride_) std::atomic<std::uint32_t>(no_slot);
  }
  chunks_[first >> chunk_shift].store(chunk, std::memory_order_release);
  allocated_ = first + n;
  if (allocated_ >= options_.capacity) {
    fully_allocated_.store(true, std::memory_order_release);
  }
  // Keep the first slot, free the rest.
  std::vector<std::uint32_t> rest;
  rest.reserve(n - 1);
  for (std::uint32_t i = 1; i < n; ++i) {
    rest.push_back(first + i);
  }
  push_free(rest.data(), rest.size());
  return first;
}

void any_thread_queue::reserve_first_chunk() {
  {
    std::lock_guard lock(grow_mutex_);
    if (allocated_ != 0) {
      return;
    }
  }
  const std::uint32_t first = grow(); // grows only if no publisher did meanwhile
  if (first != no_slot) {
    push_free(&first, 1);
  }
}

drain_scope::continuation any_thread_queue::drain_work() {
  return {&drain_continuation, this, shared_from_this(), nullptr};
}

void any_thread_queue::schedule_drain() {
  // Inside a drain on the same executor, this drain runs as its continuation (continuation.hpp).
  drain_scope::run_soon(executor_, drain_work());
}

void any_thread_queue::drain_continuation(void* self) { static_cast<any_thread_queue*>(self)->drain(); }

boost::system::result<void> any_thread_queue::subscribe(const boost::asio::any_io_executor& executor,
                                                        erased_handler handler) {
  {
    std::lock_guard lock(subscribe_mutex_);
    if (subscribed_) {
      return bus_error::already_subscribed;
    }
    subscribed_ = true;
  }
  executor_ = scope_executor(executor);
  handler_ = std::move(handler);
  // A queue with a consumer will carry messages: its first chunk of slots now, at set-up, rather
  // than at the first publish, which would take its page faults (linking the slots writes every
  // page, tens of faults at about 20 us each on the VMs this project is measured on).
  reserve_first_chunk();
  // From here a publisher moving count_ from 0 posts the drain; if messages wait, we do.
  const std::uint64_t before = count_.fetch_sub(unsubscribed_bit, std::memory_order_acq_rel);
  if (before != unsubscribed_bit) {
    schedule_drain();
  }
  return {};
}

void any_thread_queue::drain() {
  // Take no more than count_ says: an index a publisher has enqueued but not yet counted may come
  // out instead of a counted one, and count_ must never drop below zero (see the header).
  const std::uint64_t counted = count_.load(std::memory_order_acquire);
  const std::size_t n =
      ready_.try_dequeue_bulk(batch_.data(), static_cast<std::size_t>(std::min<std::uint64_t>(counted, batch_.size())));
  handled counts;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t index = batch_[i];
    if ((index & vacant_bit) != 0) {
      batch_[i] = index & ~vacant_bit;
      continue;
    }
    void* message = message_at(index);
    handle(handler_, message, counts);
    type_.destroy(message);
  }
  // Chain the slots now, free them after count_ (so depth never exceeds the slots in use); past
  // the subtraction another drain may own batch_, so only first and last are used.
  link_chain(batch_.data(), n);
  const std::uint32_t first = n != 0 ? batch_[0] : no_slot;
  const std::uint32_t last = n != 0 ? batch_[n - 1] : no_slot;
  if (counts.delivered != 0) {
    delivered_.fetch_add(counts.delivered, std::memory_order_relaxed);
  }
  if (counts.dead_lettered != 0) {
    dead_lettered_.fetch_add(counts.dead_lettered, std::memory_order_relaxed);
  }
  if (counts.failed != 0) {
    failed_.fetch_add(counts.failed, std::memory_order_relaxed);
  }
  // Fewer than counted (even none) happens while a drop_head publisher swaps a message.
  const std::uint64_t before = count_.fetch_sub(n, std::memory_order_acq_rel);
  if (n != 0) {
    push_chain(first, last);
  }
  if (before != n) {
    drain_scope::post(executor_, drain_work()); // more waits: yield to the executor, then go on
  }
}

bool any_thread_queue::take_dead_letter(void* message) {
  return push([&](void* slot) { type_.relocate(slot, message); });
}

queue_stats any_thread_queue::stats() const {
  queue_stats s;
  s.name = name;
  s.published = published_.load(std::memory_order_relaxed);
  s.delivered = delivered_.load(std::memory_order_relaxed);
  s.dropped = dropped_.load(std::memory_order_relaxed);
  s.rejected = rejected_.load(std::memory_order_relaxed);
  s.dead_lettered = dead_lettered_.load(std::memory_order_relaxed);
  s.failed = failed_.load(std::memory_order_relaxed);
  s.type_mismatched = type_mismatched_.load(std::memory_order_relaxed);
  s.depth = count_.load(std::memory_order_relaxed) & ~unsubscribed_bit;
  s.max_depth = max_depth_.load(std::memory_order_relaxed);
  return s;
}

} // namespace minibroker::bus::detail
