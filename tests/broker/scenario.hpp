#pragma once
// One broker on a virtual clock with a fake feed and a fake gateway, a frontend queue that
// records every report, and blotter helpers to build requests and the exchange's reports.

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "fakes.hpp"
#include "minibroker/broker/broker.hpp"

namespace minibroker::test {

inline constexpr instrument_id acme{1};
inline constexpr instrument_id bolt{2};
inline const timestamp t0{std::chrono::seconds{1'700'000'000}};

inline instrument listing(instrument_id id, quantity lot = quantity{1},
                          instrument_status status = instrument_status::trading) {
  instrument i;
  i.id = id;
  i.symbol = fmt::format("SYM{}", id);
  i.name = fmt::format("Instrument {}", id);
  i.currency = "USD";
  i.lot_size = lot;
  i.reference_price = price{10'000};
  i.status = status;
  return i;
}

inline quote quote_of(instrument_id id, std::int64_t bid, std::int64_t ask, timestamp time, sequence_number seq) {
  quote q;
  q.instrument = id;
  q.bid = price{bid};
  q.bid_size = quantity{100};
  q.ask = price{ask};
  q.ask_size = quantity{100};
  q.last = price{bid};
  q.time = time;
  q.sequence = seq;
  return q;
}

inline broker_config config_for(institution_id institution, std::string name = "broker") {
  broker_config c;
  c.institution = institution;
  c.name = std::move(name);
  c.log = logger::silent();
  return c;
}

// The exchange's report about a new order, as its matcher would shape it.
inline execution_report report_on(const new_order_request& r, order_id order, sequence_number seq, exec_type type,
                                  order_status status, quantity cum, quantity open) {
  execution_report e;
  e.sequence = seq;
  e.instrument = r.instrument;
  e.order = order;
  e.institution = r.institution;
  e.client_id = r.id;
  e.type = type;
  e.status = status;
  e.side = r.side;
  e.ord_type = r.type;
  e.tif = r.tif;
  e.order_price = r.limit_price.value_or(price{0});
  e.order_qty = cum + open;
  e.cum_qty = cum;
  e.open_qty = open;
  return e;
}

struct broker_scenario {
  explicit broker_scenario(institution_id institution = institution_id{7}, broker_config config = {})
      : gateway(institution),
        b(io, clock, feed, gateway, config.institution == institution_id{} ? config_for(institution) : config) {}

  // A frontend queue bound to "order.report.#" that records what it receives.
  void listen(std::string_view name = "FRONTEND", bus::queue_options options = {}) {
    auto queue = b.declare_report_queue(name, options);
    REQUIRE(queue);
    REQUIRE(b.bus().subscribe(*queue, b.executor(), [this](bus::message<traced_report>& m) { reports.push_back(m); }));
  }
  // Starts the broker and lists instruments through the feed.
  void open(std::initializer_list<instrument> instruments) {
    for (const auto& i : instruments) {
      feed.push(i);
    }
    b.start();
    settle();
  }
  // Runs every ready handler (the bus's deliveries, the fakes' posts) until none is left.
  void settle() {
    io.restart();
    io.run();
  }
  void submit(order_request request, order_trace trace = {}) {
    b.handler().submit(std::move(request), trace);
    settle();
  }
  void exchange_reports(const execution_report& e, order_trace trace = {}) {
    gateway.report(e, trace);
    settle();
  }

  new_order_request limit(client_order_id::rep id, side s, std::int64_t qty, std::int64_t px,
                          instrument_id instrument = acme) const {
    new_order_request r;
    r.institution = b.institution();
    r.id = client_order_id{id};
    r.instrument = instrument;
    r.side = s;
    r.type = order_type::limit;
    r.limit_price = price{px};
    r.qty = quantity{qty};
    return r;
  }
  new_order_request market(client_order_id::rep id, side s, std::int64_t qty, instrument_id instrument = acme) const {
    new_order_request r = limit(id, s, qty, 0, instrument);
    r.type = order_type::market;
    r.tif = time_in_force::ioc;
    r.limit_price.reset();
    return r;
  }
  cancel_request cancel(client_order_id::rep id, instrument_id instrument = acme) const {
    return cancel_request{b.institution(), client_order_id{id}, instrument};
  }
  replace_request replace(client_order_id::rep id, std::optional<std::int64_t> px, std::optional<std::int64_t> qty,
                          instrument_id instrument = acme) const {
    replace_request r{b.institution(), client_order_id{id}, instrument, std::nullopt, std::nullopt};
    if (px) {
      r.new_price = price{*px};
    }
    if (qty) {
      r.new_open_qty = quantity{*qty};
    }
    return r;
  }

  // The routing keys of the reports the frontend received, in order.
  [[nodiscard]] std::vector<std::string> report_keys() const {
    std::vector<std::string> keys;
    for (const auto& m : reports) {
      keys.emplace_back(m.header.routing_key.view());
    }
    return keys;
  }
  [[nodiscard]] const order_record& order(client_order_id::rep id) const {
    const order_record* r = b.orders().find(b.institution(), client_order_id{id});
    REQUIRE(r != nullptr);
    return *r;
  }

  // Destroyed in reverse: the broker first, the io_context (which its bus needs) last.
  boost::asio::io_context io;
  virtual_clock clock{t0};
  fake_feed feed;
  fake_gateway gateway;
  broker b;
  std::vector<bus::message<traced_report>> reports;
};

} // namespace minibroker::test
