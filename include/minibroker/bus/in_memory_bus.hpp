#pragma once
// The bus in one process: lock-free queues behind a routing trie, or, for a bus used from one
// thread, plain linked lists.

#include <cstddef>
#include <memory>

#include "minibroker/bus/bus.hpp"
#include "minibroker/core/clock.hpp"
#include "minibroker/core/log.hpp"

namespace minibroker::bus {

struct in_memory_bus_config {
  logger log;                          // failed handlers are reported here
  std::size_t drain_batch = 256;       // messages a consumer handles before yielding to its executor
  std::size_t route_cache_size = 4096; // routing keys remembered per topic (0: always walk the trie)
  // A promise that every publish, every consumer's executor and every stats() call run on one
  // thread (or one thread at a time, handed over with a happens-before, as set-up and then a run).
  // The queues then use plain counters and lists, with no locked instruction per message. Breaking
  // the promise is a data race (ThreadSanitizer reports it).
  bool single_threaded = false;
};

// Routing: each topic keeps a trie of its binding keys and a cache from routing key to the set
// of queues, so a publish costs one hash lookup whatever the number of bindings. Binding changes
// build a new trie on the next publish; superseded tries are kept until the bus is destroyed
// (bindings are set-up work), which is what lets publishers read them without a lock. The cache
// is bounded: once full it stops learning new keys, which then walk the trie.
//
// Queues: a queue's messages live in slots allocated in chunks as the queue first fills (never
// more than its capacity), recycled through a free list (lock-free unless single_threaded), so a
// steady flow allocates nothing. A publish copies the payload into its slot (moving it into the last queue). Depth
// counts messages accepted and not yet handled, including the batch a consumer has in hand; drop_head drops the oldest
// message still waiting.
//
// Thread safety: as bus (every member from any thread), unless config.single_threaded. Lifetime: the bus keeps a copy
// of each consumer's executor, so their execution contexts (io_context) must outlive the bus. A pending drain keeps its
// queue alive, not the state its handler captures: stop the executors, or let them run out of work, before destroying
// what handlers use.
class in_memory_bus final : public bus {
public:
  // clock stamps header.published_at and must outlive the bus.
  explicit in_memory_bus(const clock& clock, in_memory_bus_config config = {});
  ~in_memory_bus() override;

private:
  boost::system::result<detail::topic_handle*> do_declare_topic(std::string_view name) override;
  boost::system::result<detail::queue_handle*> do_declare_queue(std::string_view name, const queue_options& options,
                                                                const detail::payload_type& type) override;
  boost::system::result<void> do_bind(detail::queue_handle* queue, detail::topic_handle* topic,
                                      std::string_view binding_key, bool add) override;
  boost::system::result<publish_receipt> do_publish(detail::topic_handle* topic, std::string_view routing_key,
                                                    const detail::payload_type& type, void* payload) override;
  boost::system::result<void> do_subscribe(detail::queue_handle* queue, const boost::asio::any_io_executor& executor,
                                           detail::erased_handler handler) override;
  [[nodiscard]] bus_stats do_stats() const override;

  class impl;
  std::unique_ptr<impl> impl_;
};

} // namespace minibroker::bus
