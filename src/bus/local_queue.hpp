#pragma once
// What routing and declaration see of a queue, whatever kind it is: a bus made for any threads has
// any_thread_queue's (lock-free), one made for a single thread has single_thread_queue's (plain).
// Both copy each message into a slot of their own and hand it to one consumer, which drains them in
// batches on its executor; a drain made due inside another drain on the same executor is that
// drain's continuation rather than a post (continuation.hpp).

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>

#include "minibroker/bus/bus.hpp"
#include "minibroker/bus/continuation.hpp"
#include "minibroker/core/log.hpp"

namespace minibroker::bus::detail {

// What routing and declaration see of a queue, whatever its kind.
class local_queue : public queue_handle, public std::enable_shared_from_this<local_queue> {
public:
  static constexpr std::size_t max_capacity = 0x7fffffff;

  local_queue(const local_queue&) = delete;
  local_queue& operator=(const local_queue&) = delete;
  virtual ~local_queue() = default;

  [[nodiscard]] const queue_options& options() const noexcept { return options_; }

  virtual boost::system::result<void> subscribe(const boost::asio::any_io_executor& executor,
                                                erased_handler handler) = 0;
  [[nodiscard]] virtual queue_stats stats() const = 0;

  const std::uint32_t order; // declaration index: routes list queues in this order

protected:
  local_queue(const void* owner_bus, std::string queue_name, const payload_type& payload, queue_options options,
              std::uint32_t order_, std::shared_ptr<const void> topics, std::shared_ptr<local_queue> dead_letter,
              logger log);

  // What became of the messages a drain handed to its handler.
  struct handled {
    std::uint64_t delivered = 0;
    std::uint64_t dead_lettered = 0;
    std::uint64_t failed = 0;
  };
  // Runs handler on message and counts it. Nothing escapes: the consumer goes on whatever happens.
  void handle(const erased_handler& handler, void* message, handled& counts) noexcept {
    try {
      handler(message);
      ++counts.delivered;
    } catch (const std::exception& e) {
      handler_failed(message, e.what(), counts);
    } catch (...) {
      handler_failed(message, "unknown exception", counts);
    }
  }

  // Moves a message whose handler threw into the dead-letter queue (true), unless that is full.
  virtual bool take_dead_letter(void* message) = 0;

  const queue_options options_;
  // The bus's topics, whose route caches own the key texts this queue's messages borrow: kept
  // while a drain still pending after the bus is gone may hand the messages to the handler.
  const std::shared_ptr<const void> topics_;
  const std::shared_ptr<local_queue> dead_letter_; // of the same kind and payload type, or null
  const logger log_;

private:
  // A message whose handler threw: dead-lettered, or counted as failed and logged.
  void handler_failed(void* message, const char* what, handled& counts) noexcept;
};

// A slot's size or offset, n rounded up to a multiple of align.
constexpr std::size_t round_up(std::size_t n, std::size_t align) noexcept { return (n + align - 1) / align * align; }

} // namespace minibroker::bus::detail
