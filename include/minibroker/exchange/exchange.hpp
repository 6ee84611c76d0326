#pragma once
// The exchange: its parts built from one config and wired on its own bus.
//
//   market_data_producer --> InstrumentsCache, QuotesCache --> feed() subscribers
//                        \-> instrument status --> matcher shards
//   api().submit --> orders_processor --"order.created"--> EXCHANGE_ORDER_TOPIC
//       --> EXCHANGE_ORDER_CREATED_QUEUE --> matcher_service (shards) --> OrdersTimetable, trades
//       --"order.matched"--> EXCHANGE_ORDER_TOPIC --> EXCHANGE_ORDER_PROCESSOR_QUEUE
//       --> orders_processor --> OrdersStorage, the institution's session
//
// Everything but the matcher shards lives on one strand of the io_context (executor()); with
// matcher_shards = 1 the matcher does too, and one thread running the io_context (with a
// virtual_scheduler) gives the same event sequence for the same config, byte for byte. With
// config.single_threaded, executor() is the io_context's own executor instead of a strand.
//
// Thread safety: api(), feed(), connect() and stats() from any thread (config.single_threaded:
// from the one thread). start()/stop() at set-up or
// on executor(). The state accessors (instruments(), quotes(), orders(), the timetables) are the
// strand's: read them on executor() or while the io_context is not running; l1()/l2() likewise,
// or on the instrument's shard strand. Lifetime: the io_context and the scheduler must outlive the
// exchange; destroy it only when no handler of the io_context is running or pending for it
// (scheduled quote ticks that fire later are harmless).

#include <cstddef>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "minibroker/bus/in_memory_bus.hpp"
#include "minibroker/core/scheduler.hpp"
#include "minibroker/exchange/config.hpp"
#include "minibroker/exchange/detail/counters.hpp"
#include "minibroker/exchange/in_process_gateway.hpp"
#include "minibroker/exchange/market_data_producer.hpp"
#include "minibroker/exchange/matcher_service.hpp"
#include "minibroker/exchange/orders_api.hpp"
#include "minibroker/exchange/orders_processor.hpp"
#include "minibroker/exchange/stats.hpp"
#include "minibroker/exchange/topology.hpp"
#include "minibroker/store/market_data_cache.hpp"
#include "minibroker/store/orders_storage.hpp"
#include "minibroker/store/timetable.hpp"

namespace minibroker {

class exchange {
public:
  // Builds every part, the instruments and their opening quotes. Throws std::invalid_argument for
  // a bad config (zero shards, institution id 0 or repeated, a negative rate, a probability
  // outside [0, 1]). The clock is sched.time().
  exchange(boost::asio::io_context& io, scheduler& sched, exchange_config config);
  ~exchange();
  exchange(const exchange&) = delete;
  exchange& operator=(const exchange&) = delete;

  // Declares the topology (topic, queues, bindings, consumers) and starts the quote streams.
  // Throws std::runtime_error when the bus refuses the topology (e.g. an unknown dead-letter
  // queue in the queue options). Idempotent.
  void start();
  // Stops producing quotes (scheduled ticks become no-ops); orders still flow.
  void stop();

  [[nodiscard]] orders_api& api() noexcept { return api_; }
  [[nodiscard]] market_data_feed& feed() noexcept { return feed_; }
  // An order gateway for one institution (a non-member gets unknown_institution rejects).
  [[nodiscard]] std::unique_ptr<order_gateway> connect(institution_id institution);

  [[nodiscard]] const instruments_cache& instruments() const noexcept { return instruments_; }
  [[nodiscard]] const quotes_cache& quotes() const noexcept { return quotes_; }
  [[nodiscard]] const orders_storage& orders() const noexcept { return orders_; }
  [[nodiscard]] const minibroker::orders_timetable& orders_timetable() const noexcept { return orders_timetable_; }
  [[nodiscard]] const minibroker::trades_timetable& trades_timetable() const noexcept { return trades_timetable_; }
  [[nodiscard]] bus::bus& bus() noexcept { return bus_; }
  [[nodiscard]] exchange_stats stats() const;

  [[nodiscard]] std::optional<top_of_book> l1(instrument_id id) const { return matchers_.l1(id); }
  [[nodiscard]] std::optional<depth_snapshot> l2(instrument_id id, std::size_t levels) const {
    return matchers_.l2(id, levels);
  }

  // The strand that owns the exchange's state; the shards' strands by index.
  [[nodiscard]] const exchange_executor& executor() const noexcept { return strand_; }
  [[nodiscard]] std::size_t shard_count() const noexcept { return matchers_.shard_count(); }
  [[nodiscard]] const exchange_executor& shard_executor(std::size_t shard) const noexcept {
    return matchers_.shard_executor(shard);
  }
  [[nodiscard]] const exchange_config& config() const noexcept { return config_; }

private:
  // Forwards the producer's status changes to the matcher shards.
  class status_tap final : public feed_listener {
  public:
    explicit status_tap(matcher_service& matchers) : matchers_(matchers) {}
    void on_instrument(const instrument& update) override { matchers_.set_instrument_status(update.id, update.status); }
    void on_quote(const quote& /*update*/) override {}

  private:
    matcher_service& matchers_;
  };

  static exchange_config validated(exchange_config config);
  void declare_topology();

  exchange_config config_;
  exchange_detail::exchange_counters counters_;
  bus::in_memory_bus bus_;
  exchange_executor strand_; // a strand, or the io_context's executor (single_threaded)
  instruments_cache instruments_;
  quotes_cache quotes_;
  orders_storage orders_;
  minibroker::orders_timetable orders_timetable_;
  minibroker::trades_timetable trades_timetable_;
  market_data_producer producer_;
  matcher_service matchers_;
  orders_processor processor_;
  orders_api api_;
  in_process_market_data_feed feed_;
  status_tap status_tap_{matchers_};
  bool topology_ = false;
};

} // namespace minibroker
