#pragma once
// market_data_consumer: takes instruments off INSTRUMENTS_QUEUE and quotes off QUOTES_QUEUE and
// keeps them twice: the latest value per instrument (instruments_cache, quotes_cache; the order
// handler validates against the instruments) and the history (instruments_timetable,
// quotes_timetable, with the configured retention). Quotes are timed by their own time; an
// instrument, which has none, by the clock when it is consumed.
//
// Thread safety: none inside. Its handlers run on the executor given to start(), which must be
// the broker's (serial) executor; read the caches and timetables from there too.

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>

#include "minibroker/broker/stats.hpp"
#include "minibroker/bus/bus.hpp"
#include "minibroker/core/clock.hpp"
#include "minibroker/store/market_data_cache.hpp"
#include "minibroker/store/timetable.hpp"

namespace minibroker {

class market_data_consumer {
public:
  // clock must outlive the consumer.
  market_data_consumer(const clock& clock, timetable_retention instruments_retention,
                       timetable_retention quotes_retention);

  // Subscribes to both queues; the consumer must outlive the subscriptions (the bus).
  boost::system::result<void> start(bus::bus& bus, const bus::queue_ref<instrument>& instruments,
                                    const bus::queue_ref<quote>& quotes, const boost::asio::any_io_executor& executor);

  // What the subscriptions call; public so a host can feed the consumer directly.
  void consume(const instrument& update);
  void consume(const quote& update);

  [[nodiscard]] const instruments_cache& instruments() const noexcept { return instruments_; }
  [[nodiscard]] const quotes_cache& quotes() const noexcept { return quotes_; }
  [[nodiscard]] const instruments_timetable& instruments_history() const noexcept { return instruments_history_; }
  [[nodiscard]] const quotes_timetable& quotes_history() const noexcept { return quotes_history_; }
  [[nodiscard]] const market_data_consumer_stats& stats() const noexcept { return stats_; }

private:
  const clock& clock_;
  instruments_cache instruments_;
  quotes_cache quotes_;
  instruments_timetable instruments_history_;
  quotes_timetable quotes_history_;
  market_data_consumer_stats stats_;
};

} // namespace minibroker
