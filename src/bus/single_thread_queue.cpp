#include "single_thread_queue.hpp"

#include <algorithm>
#include <new>
#include <utility>

#include "minibroker/bus/continuation.hpp"
#include "minibroker/core/assert.hpp"

namespace minibroker::bus::detail {
namespace {

constexpr std::size_t chunk_slots = 1024;

} // namespace

single_thread_queue::single_thread_queue(const void* owner_bus, std::string queue_name, const payload_type& payload,
                                         queue_options options, std::uint32_t order_,
                                         std::shared_ptr<const void> topics,
                                         std::shared_ptr<single_thread_queue> dead_letter, logger log,
                                         std::size_t drain_batch)
    : local_queue(owner_bus, std::move(queue_name), payload, std::move(options), order_, std::move(topics),
                  std::move(dead_letter), std::move(log)),
      type_(payload), batch_(std::max<std::size_t>(drain_batch, 1)),
      message_offset_(round_up(sizeof(slot), payload.align)),
      slot_align_(std::max({payload.align, alignof(slot), alignof(std::max_align_t)})) {
  MINIBROKER_ASSERT(options_.capacity >= 1 && options_.capacity <= max_capacity);
  stride_ = round_up(message_offset_ + payload.size, slot_align_);
}

single_thread_queue::~single_thread_queue() {
  // No drain is pending (a posted one holds a reference; a deferred one runs before the scope
  // that keeps a destroyed bus's queues lets go of them), so whatever waits is ours to destroy.
  while (slot* s = pop_ready()) {
    type_.destroy(message_of(s));
  }
  for (std::byte* chunk : chunks_) {
    ::operator delete (chunk, std::align_val_t{slot_align_});
  }
}

void single_thread_queue::grow() {
  const std::size_t n = std::min(chunk_slots, options_.capacity - allocated_);
  chunks_.reserve(chunks_.size() + 1); // first: a chunk allocated is never left without its owner
  auto* chunk = static_cast<std::byte*>(::operator new (n* stride_, std::align_val_t{slot_align_}));
  chunks_.push_back(chunk);
  allocated_ += n;
  // Linked so that the chunk's first slot is taken first.
  for (std::size_t i = n; i-- > 0;) {
    free_slot(::new (chunk + i * stride_) slot{nullptr});
  }
}

single_thread_queue::slot* single_thread_queue::make_room() {
  if (allocated_ < options_.capacity) {
    grow();
  } else if (options_.overflow == overflow_policy::drop_head) {
    // Full: the oldest waiting message makes room (none waits when the only messages are the
    // batch in the consumer's hands; then the publish is refused as under reject_publish).
    if (slot* oldest = pop_ready()) {
      type_.destroy(message_of(oldest));
      ++dropped_;
      --depth_;
      free_slot(oldest);
    }
  }
  slot* s = free_;
  if (s != nullptr) {
    free_ = s->next;
  }
  return s;
}

bool single_thread_queue::take_dead_letter(void* message) {
  return push([&](void* m) { type_.relocate(m, message); });
}

void single_thread_queue::post_drain() { drain_scope::post(executor_, {&drain_continuation, this, nullptr, &acquire}); }

std::shared_ptr<void> single_thread_queue::acquire(void* self) {
  return static_cast<single_thread_queue*>(self)->shared_from_this();
}

void single_thread_queue::drain_continuation(void* self) { static_cast<single_thread_queue*>(self)->drain(); }

boost::system::result<void> single_thread_queue::subscribe(const boost::asio::any_io_executor& executor,
                                                           erased_handler handler) {
  if (subscribed_) {
    return bus_error::already_subscribed;
  }
  subscribed_ = true;
  executor_ = scope_executor(executor);
  handler_ = std::move(handler);
  // A queue with a consumer will carry messages: its first chunk of slots now, at set-up, rather
  // than at the first publish, which would take its page faults.
  if (allocated_ == 0) {
    grow();
  }
  if (ready_head_ != nullptr) {
    drain_pending_ = true;
    schedule_drain();
  }
  return {};
}

void single_thread_queue::drain() {
  // The batch: the messages waiting now, up to the batch size, taken off the ready list before any
  // handler runs. What the handlers publish here waits for the next drain, and a drop_head publish
  // drops only what waits, never a message of the batch.
  slot* batch = take_batch();
  handled counts;
  while (batch != nullptr) {
    slot* s = batch;
    batch = s->next; // before free_slot() relinks s
    void* message = message_of(s);
    handle(handler_, message, counts);
    type_.destroy(message);
    free_slot(s);
    --depth_;
  }
  delivered_ += counts.delivered;
  dead_lettered_ += counts.dead_lettered;
  failed_ += counts.failed;
  if (ready_head_ != nullptr) {
    post_drain(); // yield to the executor, then go on
  } else {
    drain_pending_ = false;
  }
}

single_thread_queue::slot* single_thread_queue::take_batch() noexcept {
  slot* first = ready_head_;
  if (first == nullptr) {
    return nullptr;
  }
  slot* last = first;
  for (std::size_t n = 1; n < batch_ && last->next != nullptr; ++n) {
    last = last->next;
  }
  ready_head_ = last->next;
  if (ready_head_ == nullptr) {
    ready_tail_ = nullptr;
  }
  last->next = nullptr;
  return first;
}

queue_stats single_thread_queue::stats() const {
  queue_stats s;
  s.name = name;
  s.published = published_;
  s.delivered = delivered_;
  s.dropped = dropped_;
  s.rejected = rejected_;
  s.dead_lettered = dead_lettered_;
  s.failed = failed_;
  s.type_mismatched = type_mismatched_;
  s.depth = depth_;
  s.max_depth = max_depth_;
  return s;
}

} // namespace minibroker::bus::detail
