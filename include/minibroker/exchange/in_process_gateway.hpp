#pragma once
// The two seams (gateway/market_data_feed.hpp, gateway/order_gateway.hpp) implemented in process,
// straight onto an exchange's producer and orders API. A WebSocket implementation gives the same
// stream of callbacks.

#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "minibroker/exchange/market_data_producer.hpp"
#include "minibroker/exchange/matcher_service.hpp"
#include "minibroker/exchange/orders_api.hpp"
#include "minibroker/gateway/market_data_feed.hpp"
#include "minibroker/gateway/order_gateway.hpp"
#include "minibroker/store/market_data_cache.hpp"

namespace minibroker {

// The producer's instruments and quotes, for any number of subscribers. On subscribe, the
// subscriber gets (on its executor) every instrument and the latest quote of each, by instrument
// id, then every update the producer makes after that snapshot, in order. Updates wait for each
// subscriber in order; one post to its executor delivers all that wait (a burst costs one post).
//
// Thread safety: subscribe()/unsubscribe() from any thread (a mutex guards the registry they
// share; updates take only their subscription's own). unsubscribe() takes effect at once: once it returns, the
// listener is not called again (call it from the listener's executor).
class in_process_market_data_feed final : public market_data_feed {
public:
  // Registers with the producer; the caches are the ones it fills, read on `strand`.
  in_process_market_data_feed(market_data_producer& producer, exchange_executor strand,
                              const instruments_cache& instruments, const quotes_cache& quotes);
  ~in_process_market_data_feed() override;
  in_process_market_data_feed(const in_process_market_data_feed&) = delete;
  in_process_market_data_feed& operator=(const in_process_market_data_feed&) = delete;

  void subscribe(feed_listener& listener, const boost::asio::any_io_executor& executor) override;
  void unsubscribe(feed_listener& listener) override;

private:
  struct subscription;
  // What the producer calls, on the exchange's strand.
  class tap final : public feed_listener {
  public:
    explicit tap(in_process_market_data_feed& feed) : feed_(feed) {}
    void on_instrument(const instrument& update) override;
    void on_quote(const quote& update) override;

  private:
    in_process_market_data_feed& feed_;
  };

  void start(const std::shared_ptr<subscription>& s); // on the strand
  void stop(const std::shared_ptr<subscription>& s);  // on the strand

  exchange_executor strand_;
  const instruments_cache& instruments_;
  const quotes_cache& quotes_;
  tap tap_{*this};
  std::mutex mutex_;
  std::vector<std::shared_ptr<subscription>> registry_; // guarded by mutex_: for unsubscribe
  std::vector<std::shared_ptr<subscription>> live_;     // the strand's: in subscription order
};

// One institution's connection, in process: send() submits to the orders API on the
// institution's behalf, set_listener() attaches its session. Destroying the gateway detaches it.
// Thread safety: as order_gateway.
class in_process_order_gateway final : public order_gateway {
public:
  in_process_order_gateway(orders_api& api, institution_id institution) noexcept;
  ~in_process_order_gateway() override;
  in_process_order_gateway(const in_process_order_gateway&) = delete;
  in_process_order_gateway& operator=(const in_process_order_gateway&) = delete;

  [[nodiscard]] institution_id institution() const noexcept override { return institution_; }
  void set_listener(report_listener& listener, const boost::asio::any_io_executor& executor) override;
  void send(const traced_request& request) override;

private:
  orders_api& api_;
  institution_id institution_;
  bool attached_ = false;
};

} // namespace minibroker
