#pragma once
// orders_producer: a frontend that sends random orders for one institution through its broker,
// around the current quote of each instrument, at a rate (Poisson arrivals): passive limits
// that rest a few ticks off the touch, marketable ones (market, IOC, FOK, crossing GTC limits),
// cancels and replaces of its own open orders, and a small share of invalid requests that the
// broker or the exchange must reject with a reason. It follows its reports through a queue on
// the broker's bus bound to "order.report.#", like any frontend.
//
// Each request's trace starts at the time the request was due (frontend_sent is the scheduled
// time of its Poisson arrival, not the moment the scheduler got round to it): latencies measured
// from it include the time a request waited to be sent, as a client's would, so a pipeline that
// falls behind cannot hide it (no coordinated omission). The broker's order handler stamps the
// actual send (broker_received).

#include <cstdint>
#include <functional>
#include <string>

#include "minibroker/broker/broker.hpp"
#include "minibroker/core/random.hpp"
#include "minibroker/core/scheduler.hpp"
#include "minibroker/sim/open_orders.hpp"
#include "minibroker/sim/scenario.hpp"

namespace minibroker {

struct orders_producer_config {
  std::uint64_t seed = 1;
  double rate = 1000.0;             // operations per second
  std::uint64_t max_operations = 0; // stop after this many (0: until stop())
  order_mix mix;
  std::uint32_t instruments = 1;      // instrument ids 1..instruments
  std::size_t max_open_orders = 2000; // above this, new orders give way to cancels
  bus::queue_options report_queue;
  // Client order ids are first_client_id, +1, ...: a producer that comes back to an exchange that
  // already saw its earlier ids starts above them (ids are unique per institution for the
  // exchange's life). Orders with lower ids are not its own: it never cancels or replaces them.
  std::uint64_t first_client_id = 1;
};

struct orders_producer_stats {
  std::uint64_t operations = 0; // sent to the broker, all kinds
  std::uint64_t new_orders = 0;
  std::uint64_t marketable = 0;
  std::uint64_t cancels = 0;
  std::uint64_t replaces = 0;
  std::uint64_t invalid = 0;
  std::uint64_t skipped = 0; // ticks with nothing to do (no instrument known yet)
  std::uint64_t reports = 0;
  std::uint64_t rejects = 0;
  std::uint64_t fills = 0;
};

// Thread safety: everything on the broker's executor, which must be the scheduler's.
class orders_producer {
public:
  orders_producer(broker& broker, scheduler& scheduler, orders_producer_config config);
  orders_producer(const orders_producer&) = delete;
  orders_producer& operator=(const orders_producer&) = delete;

  // Subscribes to the broker's reports and schedules the first operation.
  void start();
  // No operation after this; reports still come in.
  void stop() noexcept { running_ = false; }
  [[nodiscard]] bool finished() const noexcept {
    return config_.max_operations != 0 && stats_.operations >= config_.max_operations;
  }
  // Called once, when max_operations have been sent.
  void on_finished(std::function<void()> callback) { on_finished_ = std::move(callback); }
  // Called for every request, just before it goes to the broker (an event log, a recorder).
  void on_sent(std::function<void(const order_request&, const order_trace&)> callback) {
    on_sent_ = std::move(callback);
  }
  // Called for every report the producer's queue delivers, after the producer has taken it in (a
  // recorder of latencies or events: it sees what this frontend sees without a queue of its own,
  // which would cost every report one more hop on the broker's bus).
  void on_report(std::function<void(const traced_report&)> callback) { on_report_ = std::move(callback); }

  [[nodiscard]] const orders_producer_stats& stats() const noexcept { return stats_; }
  [[nodiscard]] const open_orders& open() const noexcept { return open_; }

private:
  void tick();
  void schedule_next();
  void send(order_request request);
  void send_new(bool marketable);
  void send_cancel();
  void send_replace();
  void send_invalid();
  // A tradable instrument and its reference prices, or nothing when none is known yet.
  struct market {
    const instrument* inst = nullptr;
    price bid;
    price ask;
  };
  market pick_market();
  new_order_request make_new(const market& m);

  broker& broker_;
  scheduler& scheduler_;
  orders_producer_config config_;
  random_source random_;
  open_orders open_;
  orders_producer_stats stats_;
  std::uint64_t next_client_id_;
  timestamp next_due_{}; // when the next operation is due
  bool running_ = false;
  std::function<void()> on_finished_;
  std::function<void(const order_request&, const order_trace&)> on_sent_;
  std::function<void(const traced_report&)> on_report_;
};

} // namespace minibroker
