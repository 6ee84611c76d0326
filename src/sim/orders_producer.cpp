#include "minibroker/sim/orders_producer.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace minibroker {

orders_producer::orders_producer(broker& broker, scheduler& scheduler, orders_producer_config config)
    : broker_(broker), scheduler_(scheduler), config_(config), random_(config.seed),
      next_client_id_(std::max<std::uint64_t>(config.first_client_id, 1)) {}

void orders_producer::start() {
  auto queue = broker_.declare_report_queue(fmt::format("ORDERS_PRODUCER_{}_REPORTS_QUEUE", broker_.institution()),
                                            config_.report_queue);
  if (!queue) {
    throw boost::system::system_error(queue.error(), "orders_producer: report queue");
  }
  auto subscribed = broker_.bus().subscribe(*queue, broker_.executor(), [this](bus::message<traced_report>& m) {
    const auto& r = m.payload.report;
    ++stats_.reports;
    stats_.rejects += r.type == exec_type::rejected ? 1 : 0;
    stats_.fills += r.type == exec_type::trade ? 1 : 0;
    // A report stream that resumes from the start replays an earlier run's orders: not ours to
    // cancel or replace.
    if (r.client_id.value() >= config_.first_client_id) {
      open_.on_report(r);
    }
    if (on_report_) {
      on_report_(m.payload);
    }
  });
  if (!subscribed) {
    throw boost::system::system_error(subscribed.error(), "orders_producer: subscribe");
  }
  running_ = true;
  next_due_ = scheduler_.time().now();
  schedule_next();
}

void orders_producer::schedule_next() {
  // Poisson arrivals: exponential gaps with mean 1/rate.
  const double gap_seconds = -std::log(1.0 - random_.unit()) / config_.rate;
  const auto gap = std::chrono::duration_cast<duration>(std::chrono::duration<double>(gap_seconds));
  // From the previous due time, not from now: a producer woken late (real clock, busy machine)
  // catches up instead of slowing down, so the offered rate is the configured one.
  next_due_ += gap;
  scheduler_.schedule_at(next_due_, [this] { tick(); });
}

void orders_producer::tick() {
  if (!running_ || finished()) {
    return;
  }
  const auto& mix = config_.mix;
  if (random_.chance(mix.invalid_share)) {
    send_invalid();
  } else {
    const double r = random_.unit();
    const bool crowded = open_.size() >= config_.max_open_orders;
    if ((r < mix.cancel_share || crowded) && !open_.empty()) {
      send_cancel();
    } else if (r < mix.cancel_share + mix.replace_share && !open_.empty()) {
      send_replace();
    } else {
      send_new(random_.chance(mix.marketable_share));
    }
  }
  if (finished()) {
    running_ = false;
    if (on_finished_) {
      on_finished_();
    }
    return;
  }
  schedule_next();
}

void orders_producer::send(order_request request) {
  ++stats_.operations;
  order_trace trace;
  // When it was due, not now: see the header. The order handler stamps now (broker_received).
  trace.frontend_sent = next_due_;
  if (on_sent_) {
    on_sent_(request, trace);
  }
  broker_.handler().submit(std::move(request), trace);
}

orders_producer::market orders_producer::pick_market() {
  // A few tries to find an instrument that is known and trading.
  for (int attempt = 0; attempt < 4; ++attempt) {
    const instrument_id id{static_cast<std::uint32_t>(1 + random_.below(config_.instruments))};
    const auto* inst = broker_.instruments().find(id);
    if (inst == nullptr || inst->value.status != instrument_status::trading) {
      continue;
    }
    market m{&inst->value, inst->value.reference_price, inst->value.reference_price};
    if (const auto* q = broker_.quotes().find(id)) {
      m.bid = q->value.bid;
      m.ask = q->value.ask;
    }
    return m;
  }
  return {};
}

new_order_request orders_producer::make_new(const market& m) {
  new_order_request r;
  r.institution = broker_.institution();
  r.id = client_order_id{next_client_id_++};
  r.instrument = m.inst->id;
  r.side = random_.chance(0.5) ? side::buy : side::sell;
  r.qty = m.inst->lot_size * random_.uniform(1, 10);
  return r;
}

void orders_producer::send_new(bool marketable) {
  const market m = pick_market();
  if (m.inst == nullptr) {
    ++stats_.skipped;
    return;
  }
  new_order_request r = make_new(m);
  const bool buying = r.side == side::buy;
  if (!marketable) {
    // Rest a few ticks behind the touch; nearer is likelier.
    const price offset{std::min(random_.uniform(0, 9), random_.uniform(0, 9))};
    r.limit_price = std::max(buying ? m.bid - offset : m.ask + offset, price{1});
    ++stats_.new_orders;
    send(r);
    return;
  }
  const double kind = random_.unit();
  if (kind < 0.25) {
    r.type = order_type::market;
    r.tif = time_in_force::ioc;
  } else {
    r.tif = kind < 0.55 ? time_in_force::ioc : kind < 0.75 ? time_in_force::fok : time_in_force::gtc;
    const price through{random_.uniform(0, 2)};
    r.limit_price = std::max(buying ? m.ask + through : m.bid - through, price{1});
  }
  ++stats_.new_orders;
  ++stats_.marketable;
  send(r);
}

void orders_producer::send_cancel() {
  const auto& order = open_.at(random_.below(open_.size()));
  ++stats_.cancels;
  send(cancel_request{order.institution, order.id, order.instrument});
}

void orders_producer::send_replace() {
  const auto& order = open_.at(random_.below(open_.size()));
  const auto* known = broker_.orders().find(order.institution, order.id);
  if (known == nullptr) {
    send_cancel();
    return;
  }
  replace_request r{order.institution, order.id, order.instrument, std::nullopt, std::nullopt};
  const auto* inst = broker_.instruments().find(order.instrument);
  const quantity lot = inst != nullptr ? inst->value.lot_size : quantity{1};
  const double kind = random_.unit();
  if (kind < 0.5 || !known->limit_price) { // smaller: keeps its place in the queue
    r.new_open_qty = std::max(lot, lot * std::max<std::int64_t>(1, known->open_qty.value() / lot.value() / 2));
  } else if (kind < 0.75) { // larger: to the back of its level
    r.new_open_qty = known->open_qty + lot * random_.uniform(1, 5);
  } else { // a new price, a few ticks either way
    r.new_price = std::max(*known->limit_price + price{random_.uniform(-3, 3)}, price{1});
  }
  ++stats_.replaces;
  send(r);
}

void orders_producer::send_invalid() {
  const market m = pick_market();
  if (m.inst == nullptr) {
    ++stats_.skipped;
    return;
  }
  new_order_request r = make_new(m);
  r.limit_price = m.bid;
  ++stats_.invalid;
  switch (random_.below(5)) {
  case 0: r.qty = quantity{0}; break;                                      // invalid_quantity
  case 1: r.limit_price = price{0}; break;                                 // invalid_price
  case 2: r.type = order_type::market; break;                              // price_on_market_order
  case 3: r.instrument = instrument_id{config_.instruments + 1000}; break; // unknown_instrument
  default:                                                                 // unknown_order
    send(cancel_request{r.institution, client_order_id{r.id.value() + (1ULL << 40)}, r.instrument});
    return;
  }
  send(r);
}

} // namespace minibroker
