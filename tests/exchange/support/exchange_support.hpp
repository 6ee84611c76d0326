#pragma once
// Test helpers for the exchange: a virtual-time scenario around one exchange, recording listeners
// and one-line request helpers.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "minibroker/exchange/exchange.hpp"
#include "minibroker/sim/schedulers.hpp"

namespace minibroker::testing {

inline const institution_id inst_a{1};
inline const institution_id inst_b{2};
inline const institution_id inst_c{3};

// Three members, no quote flow, no halts, a quiet log: the order tests drive everything.
inline exchange_config quiet_config(std::uint64_t seed = 7) {
  exchange_config c;
  c.seed = seed;
  c.instruments = 4;
  c.quotes_per_second = 0;
  c.status_change_probability = 0;
  c.institutions = {{inst_a, "alpha", "token-a"}, {inst_b, "bravo", "token-b"}, {inst_c, "charlie", "token-c"}};
  c.log = logger::silent();
  return c;
}

// "A new new_order id=1 cum=0 open=10": who, what, and the order's state after it.
inline std::string report_line(const execution_report& e) {
  std::string s = fmt::format("{} {} {} id={} cum={} open={}", static_cast<char>('A' + e.institution.value() - 1),
                              e.type, e.status, e.client_id, e.cum_qty, e.open_qty);
  if (e.type == exec_type::trade) {
    s += fmt::format(" last={}", e.last_qty);
  }
  if (e.reason != reject_reason::none) {
    s += fmt::format(" reason={}", e.reason);
  }
  return s;
}

struct report_recorder final : report_listener {
  std::vector<traced_report> reports;
  void on_report(const traced_report& r) override { reports.push_back(r); }
  [[nodiscard]] std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& r : reports) {
      out.push_back(report_line(r.report));
    }
    return out;
  }
};

struct feed_recorder final : feed_listener {
  std::vector<instrument> instruments;
  std::vector<quote> quotes;
  std::vector<std::string> events; // "i <id> <status>" / "q <id> <seq>", in arrival order
  void on_instrument(const instrument& update) override {
    instruments.push_back(update);
    events.push_back(fmt::format("i {} {}", update.id, update.status));
  }
  void on_quote(const quote& update) override {
    quotes.push_back(update);
    events.push_back(fmt::format("q {} {}", update.instrument, update.sequence));
  }
};

// One exchange on a virtual clock, driven by a virtual_scheduler on this thread.
struct scenario {
  explicit scenario(exchange_config config = quiet_config()) : ex(io, sched, std::move(config)) { ex.start(); }

  // Runs until nothing is left to do (order tests: no quote flow), or up to `until`.
  void run() { sched.run(); }
  void run_for(duration d) { sched.run(clock.now() + d); }

  // Attaches a recorder as the institution's session.
  void attach(institution_id who, report_listener& r) { ex.api().attach(who, r, io.get_executor()); }

  [[nodiscard]] const instrument& definition(instrument_id id) const { return ex.instruments().find(id)->value; }
  [[nodiscard]] price ref(instrument_id id) const { return definition(id).reference_price; }
  [[nodiscard]] quantity lots(instrument_id id, std::int64_t n) const { return definition(id).lot_size * n; }

  void send(const order_request& r) { ex.api().submit(traced_request{r, order_trace{}}); }

  boost::asio::io_context io;
  virtual_clock clock{timestamp{std::chrono::seconds{1'700'000'000}}};
  virtual_scheduler sched{io, clock};
  exchange ex;
};

inline new_order_request limit(institution_id who, std::uint64_t id, instrument_id instrument, side s, quantity qty,
                               price px, time_in_force tif = time_in_force::gtc) {
  return new_order_request{who, client_order_id{id}, instrument, s, order_type::limit, tif, px, qty};
}

inline cancel_request cancel(institution_id who, std::uint64_t id, instrument_id instrument = instrument_id{}) {
  return cancel_request{who, client_order_id{id}, instrument};
}

inline replace_request replace(institution_id who, std::uint64_t id, std::optional<price> px,
                               std::optional<quantity> qty, instrument_id instrument = instrument_id{}) {
  return replace_request{who, client_order_id{id}, instrument, px, qty};
}

} // namespace minibroker::testing
