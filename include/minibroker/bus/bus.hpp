#pragma once
// The message bus: AMQP 0-9-1 topic-exchange semantics behind an interface.
//
// Topics (RabbitMQ's exchanges) route each published message to every queue bound to them with a
// binding key that matches its routing key (see topic_match.hpp), once per queue. Queues are
// bounded and typed; a consumer's handler runs on the executor it subscribed with.
//
// The public API is a thin typed template front over a small virtual core (do_*). The payload
// type travels as a tag (detail::payload_type), so the core is compiled once and an implementation
// (in memory today, RabbitMQ later) never sees T. Code above the bus must not assume that messages
// stay in process: payloads are values, handlers never run on the publisher's thread by contract.

#include <concepts>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>

#include "minibroker/bus/detail/payload_type.hpp"
#include "minibroker/bus/error.hpp"
#include "minibroker/bus/message.hpp"
#include "minibroker/bus/stats.hpp"
#include "minibroker/bus/topic_match.hpp"

namespace minibroker::bus {

enum class overflow_policy {
  reject_publish, // a full queue refuses the new message; the publisher is told (receipt.rejected)
  drop_head,      // a full queue drops its oldest message to take the new one
};

struct queue_options {
  std::size_t capacity = 65536; // messages accepted and not yet handled
  overflow_policy overflow = overflow_policy::reject_publish;
  // A queue declared earlier for the same payload type, or empty for none. A message whose
  // handler throws goes there, with the exception's text in header.dead_letter_reason.
  std::string dead_letter_queue;

  friend bool operator==(const queue_options&, const queue_options&) = default;
};

// What happened to one publish. Not an error: an unroutable or rejected message is data.
struct publish_receipt {
  sequence_number sequence = 0;      // the topic's sequence number given to the message
  std::uint32_t enqueued = 0;        // queues that took the message
  std::uint32_t rejected = 0;        // queues that were full (reject_publish)
  std::uint32_t type_mismatched = 0; // matching queues declared for another payload type

  [[nodiscard]] bool routed() const noexcept { return enqueued + rejected + type_mismatched > 0; }
  [[nodiscard]] bool fully_enqueued() const noexcept { return enqueued > 0 && rejected + type_mismatched == 0; }
  // Streams (test frameworks use this); templated to avoid <ostream>.
  template <typename Stream>
  friend Stream& operator<<(Stream& os, const publish_receipt& r) {
    os << "#" << r.sequence << " enqueued " << r.enqueued << " rejected " << r.rejected << " type-mismatched "
       << r.type_mismatched;
    return os;
  }
};

namespace detail {
// Handle bodies; implementations derive from them. A handle is valid for the life of its bus.
struct topic_handle {
  const void* owner = nullptr;
  std::string name;
};
struct queue_handle {
  const void* owner = nullptr;
  std::string name;
  const payload_type* type = nullptr;
};
// A consumer's handler, typed back by the front: the argument is a message<T>*.
using erased_handler = std::function<void(void* message)>;
} // namespace detail

class bus;

// A declared topic. Cheap to copy; publish through it without looking the name up.
class topic_ref {
public:
  topic_ref() = default;
  [[nodiscard]] bool valid() const noexcept { return handle_ != nullptr; }
  [[nodiscard]] std::string_view name() const noexcept { return handle_ ? handle_->name : std::string_view{}; }
  friend bool operator==(topic_ref, topic_ref) = default;
  template <typename Stream>
  friend Stream& operator<<(Stream& os, topic_ref t) {
    os << "topic " << t.name();
    return os;
  }

private:
  friend class bus;
  explicit topic_ref(detail::topic_handle* handle) noexcept : handle_(handle) {}
  detail::topic_handle* handle_ = nullptr;
};

// A declared queue of any payload type (for bind); queue_ref<T> knows its type (for subscribe).
class any_queue_ref {
public:
  any_queue_ref() = default;
  [[nodiscard]] bool valid() const noexcept { return handle_ != nullptr; }
  [[nodiscard]] std::string_view name() const noexcept { return handle_ ? handle_->name : std::string_view{}; }
  friend bool operator==(any_queue_ref, any_queue_ref) = default;
  template <typename Stream>
  friend Stream& operator<<(Stream& os, const any_queue_ref& q) {
    os << "queue " << q.name();
    return os;
  }

protected:
  friend class bus;
  explicit any_queue_ref(detail::queue_handle* handle) noexcept : handle_(handle) {}
  detail::queue_handle* handle_ = nullptr;
};

template <typename T>
class queue_ref : public any_queue_ref {
public:
  using payload_type = T;
  queue_ref() = default;

private:
  friend class bus;
  explicit queue_ref(detail::queue_handle* handle) noexcept : any_queue_ref(handle) {}
};

// Thread safety: every member may be called from any thread. Declarations and bindings are meant
// for set-up; publish and stats are the hot and the monitoring paths. Handlers run on their
// subscription's executor, one message at a time per queue when that executor is a strand or a
// single-threaded io_context.
class bus {
public:
  bus() = default;
  bus(const bus&) = delete;
  bus& operator=(const bus&) = delete;
  virtual ~bus() = default;

  // Idempotent: declaring an existing topic returns it.
  boost::system::result<topic_ref> declare_topic(std::string_view name) {
    auto handle = do_declare_topic(name);
    if (!handle) {
      return handle.error();
    }
    return topic_ref{*handle};
  }

  // Idempotent with the same payload type and options; an error with others.
  template <typename T>
  boost::system::result<queue_ref<T>> declare_queue(std::string_view name, const queue_options& options = {}) {
    auto handle = do_declare_queue(name, options, detail::payload_type_of<T>);
    if (!handle) {
      return handle.error();
    }
    return queue_ref<T>{*handle};
  }

  // Routes messages published on topic with a routing key matching binding_key to queue.
  // Idempotent. Refuses keys over 255 bytes and keys with more than two "#" words.
  boost::system::result<void> bind(const any_queue_ref& queue, topic_ref topic, std::string_view binding_key) {
    return do_bind(queue.handle_, topic.handle_, binding_key, true);
  }
  // Removes a binding; removing one that does not exist is not an error.
  boost::system::result<void> unbind(const any_queue_ref& queue, topic_ref topic, std::string_view binding_key) {
    return do_bind(queue.handle_, topic.handle_, binding_key, false);
  }

  // Delivers a copy of payload to every queue bound to topic with a matching key (moving it into
  // the last). Refuses a routing key over 255 bytes (bus_error::key_too_long, counted on the topic).
  template <typename T>
  boost::system::result<publish_receipt> publish(topic_ref topic, std::string_view routing_key, T payload) {
    return do_publish(topic.handle_, routing_key, detail::payload_type_of<T>, &payload);
  }

  // Runs handler(message<T>&) on executor for each message of queue, in batches. A handler that
  // throws sends the message to the queue's dead-letter queue, or counts and logs it as failed;
  // either way the consumer goes on. One consumer per queue. A publish from inside a drain on the
  // same executor makes this queue's drain that drain's continuation (continuation.hpp): it runs
  // after the publishing drain is done, before other work queued on the executor.
  template <typename T, typename Handler>
  requires std::invocable < Handler&, message<T>
  & > boost::system::result<void> subscribe(const queue_ref<T>& queue, const boost::asio::any_io_executor& executor,
                                            Handler&& handler) {
    detail::erased_handler erased = [h = std::forward<Handler>(handler)](void* m) mutable {
      h(*static_cast<message<T>*>(m));
    };
    return do_subscribe(queue.handle_, executor, std::move(erased));
  }

  // Every topic's and queue's counters.
  [[nodiscard]] bus_stats stats() const { return do_stats(); }

protected:
  virtual boost::system::result<detail::topic_handle*> do_declare_topic(std::string_view name) = 0;
  virtual boost::system::result<detail::queue_handle*>
  do_declare_queue(std::string_view name, const queue_options& options, const detail::payload_type& type) = 0;
  virtual boost::system::result<void> do_bind(detail::queue_handle* queue, detail::topic_handle* topic,
                                              std::string_view binding_key, bool add) = 0;
  // payload points to a T of type `type`; the core may move from it.
  virtual boost::system::result<publish_receipt> do_publish(detail::topic_handle* topic, std::string_view routing_key,
                                                            const detail::payload_type& type, void* payload) = 0;
  virtual boost::system::result<void> do_subscribe(detail::queue_handle* queue,
                                                   const boost::asio::any_io_executor& executor,
                                                   detail::erased_handler handler) = 0;
  [[nodiscard]] virtual bus_stats do_stats() const = 0;
};

} // namespace minibroker::bus
