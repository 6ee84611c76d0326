#include "minibroker/broker/market_data_consumer.hpp"

namespace minibroker {

market_data_consumer::market_data_consumer(const clock& clock, timetable_retention instruments_retention,
                                           timetable_retention quotes_retention)
    : clock_(clock), instruments_history_(instruments_retention), quotes_history_(quotes_retention) {}

boost::system::result<void> market_data_consumer::start(bus::bus& bus, const bus::queue_ref<instrument>& instruments,
                                                        const bus::queue_ref<quote>& quotes,
                                                        const boost::asio::any_io_executor& executor) {
  auto subscribed = bus.subscribe(instruments, executor, [this](bus::message<instrument>& m) { consume(m.payload); });
  if (!subscribed) {
    return subscribed;
  }
  return bus.subscribe(quotes, executor, [this](bus::message<quote>& m) { consume(m.payload); });
}

void market_data_consumer::consume(const instrument& update) {
  instruments_.upsert(update.id, update);
  instruments_history_.append(clock_.now(), update);
  ++stats_.instruments_stored;
}

void market_data_consumer::consume(const quote& update) {
  quotes_.upsert(update.instrument, update);
  quotes_history_.append(update);
  ++stats_.quotes_stored;
}

} // namespace minibroker
