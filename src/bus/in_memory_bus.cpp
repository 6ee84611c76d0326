#include "minibroker/bus/in_memory_bus.hpp"

#include <atomic>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "minibroker/bus/continuation.hpp"
#include "recent_routes.hpp"
#include "routing_table.hpp"
#include "threading.hpp"

namespace minibroker::bus {
namespace detail {
namespace {

struct name_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using name_map = std::unordered_map<std::string, V, name_hash, std::equal_to<>>;

boost::system::result<void> check_name(std::string_view name) {
  if (name.empty()) {
    return bus_error::empty_name;
  }
  if (name.size() > max_key_length) {
    return bus_error::name_too_long;
  }
  return {};
}

} // namespace

// A topic: its bindings, and the routing table built from them on the next publish after they
// change. Thread safety: table() and the counters from any thread; mutex_ guards the rest.
class local_topic final : public topic_handle {
public:
  local_topic(const void* owner_bus, std::string topic_name, std::size_t cache_size)
      : topic_handle{owner_bus, std::move(topic_name)}, cache_size_(cache_size) {}

  const routing_table& table() {
    if (const routing_table* t = table_.load(std::memory_order_acquire)) [[likely]] {
      return *t;
    }
    std::lock_guard lock(mutex_);
    if (const routing_table* t = table_.load(std::memory_order_acquire)) {
      return *t;
    }
    // Superseded tables stay alive: a publisher may still be reading one.
    tables_.push_back(std::make_unique<routing_table>(bindings_, cache_size_));
    table_.store(tables_.back().get(), std::memory_order_release);
    return *tables_.back();
  }

  void change_binding(std::string_view key, local_queue* queue, bool add) {
    std::lock_guard lock(mutex_);
    auto binding = std::pair{std::string(key), queue};
    const bool changed = add ? bindings_.insert(std::move(binding)).second : bindings_.erase(binding) != 0;
    if (changed) {
      table_.store(nullptr, std::memory_order_release);
    }
  }

  topic_stats stats() const {
    topic_stats s;
    s.name = name;
    s.published = sequence.load(std::memory_order_relaxed);
    s.unroutable = unroutable.load(std::memory_order_relaxed);
    s.refused = refused.load(std::memory_order_relaxed);
    return s;
  }

  std::atomic<sequence_number> sequence{0};
  std::atomic<std::uint64_t> unroutable{0};
  std::atomic<std::uint64_t> refused{0};
  recent_routes recent; // a single_threaded bus's publishers' (see recent_routes.hpp)

private:
  const std::size_t cache_size_;
  std::atomic<const routing_table*> table_{nullptr};
  std::mutex mutex_;
  binding_set bindings_;
  std::vector<std::unique_ptr<routing_table>> tables_;
};

// Copies the payload and the key into each of queues (moving them into the last) and counts.
// Every queue of the bus is a Threading::queue.
template <typename Threading>
[[gnu::always_inline]] inline publish_receipt deliver(const clock& clk, local_topic& topic, const route& queues,
                                                      shared_key key, const payload_type& type, void* payload) {
  publish_receipt receipt;
  receipt.sequence = Threading::fetch_increment(topic.sequence) + 1;
  if (queues.empty()) {
    topic.unroutable.fetch_add(1, std::memory_order_relaxed);
    return receipt;
  }
  std::size_t last = queues.size() - 1; // the last queue of the payload's type, if any
  while (last > 0 && queues[last]->type != &type) {
    --last;
  }
  const timestamp now = clk.now();
  for (std::size_t i = 0; i < queues.size(); ++i) {
    auto& queue = static_cast<typename Threading::queue&>(*queues[i]);
    if (queue.type != &type) {
      queue.count_type_mismatch();
      ++receipt.type_mismatched;
      continue;
    }
    // The last queue takes the payload and the key by move; the others copy the payload and
    // share the key's text.
    const bool move = i == last;
    const bool accepted = queue.push([&](void* slot) {
      message_header& header = type.construct(slot, payload, move);
      if (move) {
        key_sharing::share(header.routing_key, std::move(key));
      } else {
        key_sharing::share(header.routing_key, key);
      }
      header.sequence = receipt.sequence;
      header.published_at = now;
    });
    ++(accepted ? receipt.enqueued : receipt.rejected);
  }
  return receipt;
}

template <typename Threading>
publish_receipt route_and_deliver(const clock& clk, local_topic& topic, std::string_view routing_key,
                                  const payload_type& type, void* payload) {
  const routing_table& table = topic.table();
  // A key the route cache holds (the steady state) needs no scratch space; on one thread, a key
  // published at the same address before does not even need hashing.
  routing_table::resolved hit;
  if constexpr (Threading::one_thread) {
    hit = topic.recent.find(table, routing_key);
  }
  if (hit.queues == nullptr) {
    hit = table.find(routing_key);
    if constexpr (Threading::one_thread) {
      if (hit.queues != nullptr) {
        topic.recent.remember(table, routing_key, hit);
      }
    }
  }
  if (hit.queues != nullptr) [[likely]] {
    return deliver<Threading>(clk, topic, *hit.queues, key_sharing::borrowed(*hit.key), type, payload);
  }
  // The walk's scratch space, per thread; taken out so that a nested publish gets its own.
  thread_local route scratch_store;
  route scratch = std::move(scratch_store);
  const auto [queues, cached_key] = table.lookup(routing_key, scratch);
  // One text for every queue's copy: the route cache's, or made here for a key it does not hold.
  const publish_receipt receipt =
      deliver<Threading>(clk, topic, *queues,
                         cached_key != nullptr ? key_sharing::borrowed(*cached_key)
                                               : shared_key{std::make_shared<const std::string>(routing_key)},
                         type, payload);
  scratch_store = std::move(scratch);
  return receipt;
}

template <typename Threading>
std::shared_ptr<local_queue> make_queue(const void* owner_bus, std::string_view name, const payload_type& type,
                                        const queue_options& options, std::uint32_t order,
                                        const std::shared_ptr<local_queue>& dead_letter,
                                        const in_memory_bus_config& config, std::shared_ptr<const void> topics) {
  return std::make_shared<typename Threading::queue>(
      owner_bus, std::string(name), type, options, order, std::move(topics),
      std::static_pointer_cast<typename Threading::queue>(dead_letter), config.log, config.drain_batch);
}

} // namespace detail

class in_memory_bus::impl {
public:
  impl(const clock& clk, in_memory_bus_config config) : clock_(clk), config_(std::move(config)) {}

  const clock& clock_;
  const in_memory_bus_config config_;

  mutable std::mutex mutex_; // guards the declarations below
  // Shared with every queue: their messages borrow the route caches' key texts (shared_key).
  const std::shared_ptr<std::vector<std::unique_ptr<detail::local_topic>>> topics_ =
      std::make_shared<std::vector<std::unique_ptr<detail::local_topic>>>();
  detail::name_map<detail::local_topic*> topic_by_name_;
  std::vector<std::shared_ptr<detail::local_queue>> queues_;
  detail::name_map<detail::local_queue*> queue_by_name_;
};

in_memory_bus::in_memory_bus(const clock& clock, in_memory_bus_config config)
    : impl_(std::make_unique<impl>(clock, std::move(config))) {}

in_memory_bus::~in_memory_bus() {
  if (impl_->config_.single_threaded) {
    // Destroyed inside a drain (by a handler, or by a continuation of one): the queues' drains
    // deferred to the scope hold no reference (schedule_drain), and the running one may be ours.
    for (auto& queue : impl_->queues_) {
      drain_scope::keep_until_closed(std::move(queue));
    }
  }
}

boost::system::result<detail::topic_handle*> in_memory_bus::do_declare_topic(std::string_view name) {
  if (auto ok = detail::check_name(name); !ok) {
    return ok.error();
  }
  std::lock_guard lock(impl_->mutex_);
  if (auto it = impl_->topic_by_name_.find(name); it != impl_->topic_by_name_.end()) {
    return it->second;
  }
  auto topic = std::make_unique<detail::local_topic>(this, std::string(name), impl_->config_.route_cache_size);
  detail::local_topic* raw = topic.get();
  impl_->topics_->push_back(std::move(topic));
  impl_->topic_by_name_.emplace(std::string(name), raw);
  return raw;
}

boost::system::result<detail::queue_handle*>
in_memory_bus::do_declare_queue(std::string_view name, const queue_options& options, const detail::payload_type& type) {
  if (auto ok = detail::check_name(name); !ok) {
    return ok.error();
  }
  if (options.capacity == 0 || options.capacity > detail::local_queue::max_capacity) {
    return bus_error::invalid_capacity;
  }
  std::lock_guard lock(impl_->mutex_);
  if (auto it = impl_->queue_by_name_.find(name); it != impl_->queue_by_name_.end()) {
    detail::local_queue* existing = it->second;
    if (existing->type != &type) {
      return bus_error::queue_type_differs;
    }
    if (existing->options() != options) {
      return bus_error::queue_options_differ;
    }
    return existing;
  }
  std::shared_ptr<detail::local_queue> dead_letter;
  if (!options.dead_letter_queue.empty()) {
    auto it = impl_->queue_by_name_.find(options.dead_letter_queue);
    if (it == impl_->queue_by_name_.end()) {
      return bus_error::unknown_dead_letter_queue;
    }
    if (it->second->type != &type) {
      return bus_error::dead_letter_type_differs;
    }
    dead_letter = it->second->shared_from_this();
  }
  const auto order = static_cast<std::uint32_t>(impl_->queues_.size());
  auto queue = impl_->config_.single_threaded
                   ? detail::make_queue<detail::single_thread_threading>(this, name, type, options, order, dead_letter,
                                                                         impl_->config_, impl_->topics_)
                   : detail::make_queue<detail::concurrent_threading>(this, name, type, options, order, dead_letter,
                                                                      impl_->config_, impl_->topics_);
  impl_->queues_.push_back(queue);
  impl_->queue_by_name_.emplace(std::string(name), queue.get());
  return queue.get();
}

boost::system::result<void> in_memory_bus::do_bind(detail::queue_handle* queue, detail::topic_handle* topic,
                                                   std::string_view binding_key, bool add) {
  if (queue == nullptr || topic == nullptr || queue->owner != this || topic->owner != this) {
    return bus_error::invalid_handle;
  }
  if (binding_key.size() > max_key_length) {
    return bus_error::key_too_long;
  }
  if (add && count_hash_words(binding_key) > max_hash_words) {
    return bus_error::too_many_hash_words;
  }
  static_cast<detail::local_topic*>(topic)->change_binding(binding_key, static_cast<detail::local_queue*>(queue), add);
  return {};
}

boost::system::result<publish_receipt> in_memory_bus::do_publish(detail::topic_handle* topic_handle,
                                                                 std::string_view routing_key,
                                                                 const detail::payload_type& type, void* payload) {
  if (topic_handle == nullptr || topic_handle->owner != this) {
    return bus_error::invalid_handle;
  }
  auto& topic = *static_cast<detail::local_topic*>(topic_handle);
  if (routing_key.size() > max_key_length) {
    topic.refused.fetch_add(1, std::memory_order_relaxed);
    return bus_error::key_too_long;
  }
  return impl_->config_.single_threaded
             ? detail::route_and_deliver<detail::single_thread_threading>(impl_->clock_, topic, routing_key, type,
                                                                          payload)
             : detail::route_and_deliver<detail::concurrent_threading>(impl_->clock_, topic, routing_key, type,
                                                                       payload);
}

boost::system::result<void> in_memory_bus::do_subscribe(detail::queue_handle* queue,
                                                        const boost::asio::any_io_executor& executor,
                                                        detail::erased_handler handler) {
  if (queue == nullptr || queue->owner != this) {
    return bus_error::invalid_handle;
  }
  return static_cast<detail::local_queue*>(queue)->subscribe(executor, std::move(handler));
}

bus_stats in_memory_bus::do_stats() const {
  std::lock_guard lock(impl_->mutex_);
  bus_stats s;
  s.topics.reserve(impl_->topics_->size());
  for (const auto& t : *impl_->topics_) {
    s.topics.push_back(t->stats());
  }
  s.queues.reserve(impl_->queues_.size());
  for (const auto& q : impl_->queues_) {
    s.queues.push_back(q->stats());
  }
  return s;
}

} // namespace minibroker::bus
