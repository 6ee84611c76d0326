#include "minibroker/exchange/in_process_gateway.hpp"

#include <algorithm>
#include <atomic>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/execution/blocking.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/require.hpp>

#include "minibroker/exchange/detail/handoff_queue.hpp"

namespace minibroker {

// Updates wait in order for one drain posted to the subscriber's executor: a burst of quotes
// costs that executor one post, not one each (a post per quote was most of the feed's cost).
struct in_process_market_data_feed::subscription {
  using update = std::variant<instrument, quote>;

  subscription(feed_listener& l, const boost::asio::any_io_executor& e)
      : listener(&l), executor(boost::asio::require(e, boost::asio::execution::blocking.never)) {}

  // On the exchange's strand.
  static void push(const std::shared_ptr<subscription>& s, update u) {
    if (s->pending.push(std::move(u))) {
      s->executor.execute([s] { s->drain(); }); // a post(), with the executor required once
    }
  }

  // On the subscriber's executor.
  void drain() {
    pending.drain([this](const update& u) {
      if (!active.load(std::memory_order_acquire)) {
        return false;
      }
      if (const auto* q = std::get_if<quote>(&u)) {
        listener->on_quote(*q);
      } else {
        listener->on_instrument(std::get<instrument>(u));
      }
      return true;
    });
  }

  feed_listener* listener;
  boost::asio::any_io_executor executor; // never blocking
  std::atomic<bool> active{true};        // cleared by unsubscribe(), checked before every delivery
  exchange_detail::handoff_queue<update> pending;
};

in_process_market_data_feed::in_process_market_data_feed(market_data_producer& producer, exchange_executor strand,
                                                         const instruments_cache& instruments,
                                                         const quotes_cache& quotes)
    : strand_(std::move(strand)), instruments_(instruments), quotes_(quotes) {
  producer.add_listener(tap_);
}

in_process_market_data_feed::~in_process_market_data_feed() {
  const std::lock_guard lock(mutex_);
  for (const auto& s : registry_) {
    s->active.store(false, std::memory_order_release);
  }
}

void in_process_market_data_feed::subscribe(feed_listener& listener, const boost::asio::any_io_executor& executor) {
  auto s = std::make_shared<subscription>(listener, executor);
  {
    const std::lock_guard lock(mutex_);
    registry_.push_back(s);
  }
  boost::asio::post(strand_, [this, s] { start(s); });
}

void in_process_market_data_feed::unsubscribe(feed_listener& listener) {
  std::vector<std::shared_ptr<subscription>> gone;
  {
    const std::lock_guard lock(mutex_);
    for (auto& s : registry_) {
      if (s->listener == &listener) {
        s->active.store(false, std::memory_order_release);
        gone.push_back(std::move(s));
      }
    }
    std::erase(registry_, nullptr);
  }
  for (auto& s : gone) {
    boost::asio::post(strand_, [this, s] { stop(s); });
  }
}

void in_process_market_data_feed::start(const std::shared_ptr<subscription>& s) {
  if (!s->active.load(std::memory_order_acquire)) {
    return;
  }
  // The snapshot is taken and posted on the strand, before any later update is: the subscriber
  // sees it first, and misses nothing in between.
  boost::asio::post(s->executor, [s, instruments = instruments_.snapshot(), quotes = quotes_.snapshot()] {
    for (const auto& [id, entry] : instruments) {
      if (!s->active.load(std::memory_order_acquire)) {
        return;
      }
      s->listener->on_instrument(entry.value);
    }
    for (const auto& [id, entry] : quotes) {
      if (!s->active.load(std::memory_order_acquire)) {
        return;
      }
      s->listener->on_quote(entry.value);
    }
  });
  live_.push_back(s);
}

void in_process_market_data_feed::stop(const std::shared_ptr<subscription>& s) { std::erase(live_, s); }

void in_process_market_data_feed::tap::on_instrument(const instrument& update) {
  for (const auto& s : feed_.live_) {
    subscription::push(s, update);
  }
}

void in_process_market_data_feed::tap::on_quote(const quote& update) {
  for (const auto& s : feed_.live_) {
    subscription::push(s, update);
  }
}

in_process_order_gateway::in_process_order_gateway(orders_api& api, institution_id institution) noexcept
    : api_(api), institution_(institution) {}

in_process_order_gateway::~in_process_order_gateway() {
  if (attached_) {
    api_.detach(institution_);
  }
}

void in_process_order_gateway::set_listener(report_listener& listener, const boost::asio::any_io_executor& executor) {
  api_.attach(institution_, listener, executor);
  attached_ = true;
}

void in_process_order_gateway::send(const traced_request& request) { api_.submit(institution_, request); }

} // namespace minibroker
