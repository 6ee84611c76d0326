#pragma once
// MarketDataProducer: the exchange's market data. At construction it creates the instruments
// (ids 1..N, unique readable tickers, realistic tick sizes, lot sizes and reference prices, all
// from the seed) into the InstrumentsCache and one opening quote each into the QuotesCache. Once
// started, every instrument quotes at its own rate: a seeded random walk of the best bid in whole
// ticks, a spread of 1 to 3 ticks, sizes in whole lots, a last price between bid and ask. Rarely
// an instrument halts for a few quote ticks (no quotes meanwhile), then trades again; each status
// change is an instrument update.
//
// Listeners (feed_listener: the in-process feed, the matcher service) hear every instrument update
// and quote synchronously, on the exchange's strand, after the caches have it.
//
// Determinism: every instrument walks with its own random source forked from the seed, so its
// quotes do not depend on how instruments interleave. Time comes from the scheduler's clock.
//
// Thread safety: construction, add_listener(), start() and stop() at set-up or on the exchange's
// strand; quotes are produced on that strand (each scheduled tick posts there). The counters may be
// read from any thread. Scheduled ticks hold only a shared flag, so a tick that fires after stop()
// or after the producer is gone does nothing.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "minibroker/core/log.hpp"
#include "minibroker/core/random.hpp"
#include "minibroker/core/records.hpp"
#include "minibroker/core/scheduler.hpp"
#include "minibroker/gateway/market_data_feed.hpp"
#include "minibroker/store/market_data_cache.hpp"

namespace minibroker {

struct market_data_producer_config {
  std::uint64_t seed = 1;
  std::size_t instruments = 10;
  double quotes_per_second = 10; // per instrument; 0: only the opening quotes
  double status_change_probability = 0.0005;
  logger log;
  // When not empty: exactly these instruments instead of `instruments` random ones (see
  // exchange_config::listed).
  std::vector<instrument> listed;
};

class market_data_producer {
public:
  // Creates the instruments and their opening quotes at once. Throws std::invalid_argument for a
  // negative rate or a probability outside [0, 1]. `executor` is the exchange's strand.
  market_data_producer(const market_data_producer_config& config, scheduler& sched,
                       boost::asio::any_io_executor executor, instruments_cache& instruments, quotes_cache& quotes);
  ~market_data_producer();
  market_data_producer(const market_data_producer&) = delete;
  market_data_producer& operator=(const market_data_producer&) = delete;

  // Not owned; must outlive the producer (or its running).
  void add_listener(feed_listener& listener);

  // Schedules each instrument's quote stream (staggered over one period). Again after stop(): a
  // fresh set of streams; ticks scheduled before are no-ops.
  void start();
  // Pending ticks become no-ops.
  void stop();
  [[nodiscard]] bool running() const noexcept;

  // The instruments as created, by id (index i holds id i + 1).
  [[nodiscard]] const std::vector<instrument>& definitions() const noexcept { return definitions_; }

  [[nodiscard]] std::uint64_t quotes_produced() const noexcept {
    return quotes_produced_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t instrument_updates() const noexcept {
    return instrument_updates_.load(std::memory_order_relaxed);
  }

private:
  struct stream; // one instrument's walk
  struct liveness;

  void create_instruments(random_source& rng);
  void schedule(std::size_t index, timestamp at, std::uint64_t generation);
  void tick(std::size_t index);
  void publish_quote(stream& s);
  void set_status(stream& s, instrument_status status);

  market_data_producer_config config_;
  scheduler& sched_;
  boost::asio::any_io_executor executor_;
  instruments_cache& instruments_;
  quotes_cache& quotes_;
  std::vector<instrument> definitions_;
  std::vector<stream> streams_;
  std::vector<feed_listener*> listeners_;
  std::shared_ptr<liveness> alive_;
  duration period_{};
  std::atomic<std::uint64_t> quotes_produced_{0};
  std::atomic<std::uint64_t> instrument_updates_{0};
};

} // namespace minibroker
