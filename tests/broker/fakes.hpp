#pragma once
// Test doubles for the two seams, so the broker is tested without an exchange.
//
// fake_feed: keeps the instruments and latest quotes it was given (the snapshot a new subscriber
// gets first) and posts each update to its subscribers' executors, as a real feed does.
// fake_gateway: records every request sent and lets a test deliver reports to the listener.

#include <map>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>

#include "minibroker/gateway/market_data_feed.hpp"
#include "minibroker/gateway/order_gateway.hpp"

namespace minibroker::test {

class fake_feed final : public market_data_feed {
public:
  void subscribe(feed_listener& listener, const boost::asio::any_io_executor& executor) override {
    subscribers_.push_back({&listener, executor});
    for (const auto& [id, i] : instruments_) {
      post_instrument(subscribers_.back(), i);
    }
    for (const auto& [id, q] : quotes_) {
      post_quote(subscribers_.back(), q);
    }
  }
  void unsubscribe(feed_listener& listener) override {
    std::erase_if(subscribers_, [&](const subscriber& s) { return s.listener == &listener; });
  }

  void push(const instrument& i) {
    instruments_[i.id] = i;
    for (const auto& s : subscribers_) {
      post_instrument(s, i);
    }
  }
  void push(const quote& q) {
    quotes_[q.instrument] = q;
    for (const auto& s : subscribers_) {
      post_quote(s, q);
    }
  }
  // Calls the subscribers at once instead of posting: for a test that holds the loop still
  // and stands in for the executor.
  void deliver_now(const quote& q) {
    quotes_[q.instrument] = q;
    for (const auto& s : subscribers_) {
      s.listener->on_quote(q);
    }
  }
  [[nodiscard]] std::size_t subscribers() const noexcept { return subscribers_.size(); }

private:
  struct subscriber {
    feed_listener* listener;
    boost::asio::any_io_executor executor;
  };
  static void post_instrument(const subscriber& s, instrument i) {
    boost::asio::post(s.executor, [l = s.listener, i = std::move(i)] { l->on_instrument(i); });
  }
  static void post_quote(const subscriber& s, quote q) {
    boost::asio::post(s.executor, [l = s.listener, q] { l->on_quote(q); });
  }

  std::map<instrument_id, instrument> instruments_; // ordered: the snapshot is deterministic
  std::map<instrument_id, quote> quotes_;
  std::vector<subscriber> subscribers_;
};

class fake_gateway final : public order_gateway {
public:
  explicit fake_gateway(institution_id institution) : institution_(institution) {}

  [[nodiscard]] institution_id institution() const noexcept override { return institution_; }
  void set_listener(report_listener& listener, const boost::asio::any_io_executor& executor) override {
    listener_ = &listener;
    executor_ = executor;
  }
  void send(const traced_request& request) override { sent.push_back(request); }

  // Delivers a report on the listener's executor, as the exchange would.
  void report(const execution_report& report, order_trace trace = {}) {
    boost::asio::post(executor_, [l = listener_, r = traced_report{report, trace}] { l->on_report(r); });
  }
  [[nodiscard]] bool has_listener() const noexcept { return listener_ != nullptr; }

  std::vector<traced_request> sent;

private:
  institution_id institution_;
  report_listener* listener_ = nullptr;
  boost::asio::any_io_executor executor_;
};

} // namespace minibroker::test
