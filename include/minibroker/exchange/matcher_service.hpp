#pragma once
// The matcher service: EXCHANGE_ORDER_CREATED_QUEUE -> order_matcher -> "order.matched".
//
// Instruments are sharded: instrument i belongs to shard i % shards, and each shard is one
// order_matcher driven only on its own strand. That is the original system's "Semaphore" (one
// matcher works on an instrument at a time) as a guarantee rather than a lock: a book is never
// touched by two threads, whatever the number of threads running the io_context. With one shard
// the shard's strand is the exchange's strand and requests are matched where they are consumed
// (no extra hop); with more, the consumer posts each request to its shard's strand.
//
// For each request the shard stamps trace.matched, submits it, and turns every execution report
// into a traced_report carrying the request's trace: appended to the OrdersTimetable and published
// as "order.matched" on EXCHANGE_ORDER_TOPIC. Trades go to the trades timetable and the counters.
// The timetables belong to the exchange's strand: a shard on another strand posts its rows there.
//
// Ids: a matcher numbers its orders and trades from 1. With several shards the service makes them
// exchange-wide by interleaving: shard k's local id n becomes (n - 1) * shards + k + 1 (with one
// shard, ids are the matcher's own).
//
// Thread safety: on_request() on the exchange's strand (the queue's consumer);
// set_instrument_status() from the exchange's strand; l1()/l2() from the instrument's shard strand
// or while the io_context is not running; stats() from any thread.

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>

#include "minibroker/bus/bus.hpp"
#include "minibroker/core/clock.hpp"
#include "minibroker/core/log.hpp"
#include "minibroker/core/records.hpp"
#include "minibroker/exchange/detail/counters.hpp"
#include "minibroker/exchange/stats.hpp"
#include "minibroker/gateway/order_trace.hpp"
#include "minibroker/matching/config.hpp"
#include "minibroker/matching/events.hpp"
#include "minibroker/store/timetable.hpp"

namespace minibroker {

// What owns the exchange's state: a strand of the io_context, or, when one thread runs everything
// (exchange_config::single_threaded), the io_context's own executor, which is serial already and
// costs no strand lock and no strand hop per post.
using exchange_executor = boost::asio::any_io_executor;

class matcher_service {
public:
  // Builds the shards and adds every instrument to its shard's matcher. Throws
  // std::invalid_argument for zero shards.
  matcher_service(const clock& clock, const matcher_config& config, std::size_t shards, boost::asio::io_context& io,
                  exchange_executor strand, const std::vector<instrument>& instruments, orders_timetable& reports,
                  trades_timetable& trades, exchange_detail::exchange_counters& counters, logger log);
  ~matcher_service();
  matcher_service(const matcher_service&) = delete;
  matcher_service& operator=(const matcher_service&) = delete;

  // Set-up: where "order.matched" goes.
  void connect(bus::bus& bus, bus::topic_ref order_topic) noexcept;

  // The EXCHANGE_ORDER_CREATED_QUEUE consumer.
  void on_request(bus::message<traced_request>& message);
  // An instrument's status change (from the producer), applied on its shard's strand.
  void set_instrument_status(instrument_id id, instrument_status status);

  [[nodiscard]] std::size_t shard_count() const noexcept { return shards_.size(); }
  [[nodiscard]] std::size_t shard_of(instrument_id id) const noexcept { return id.value() % shards_.size(); }
  [[nodiscard]] const exchange_executor& shard_executor(std::size_t index) const noexcept;

  [[nodiscard]] std::optional<top_of_book> l1(instrument_id id) const;
  [[nodiscard]] std::optional<depth_snapshot> l2(instrument_id id, std::size_t levels) const;
  [[nodiscard]] std::vector<shard_stats> stats() const;

private:
  struct shard;

  const clock& clock_;
  exchange_executor strand_;
  std::vector<std::unique_ptr<shard>> shards_;
};

} // namespace minibroker
