#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "exchange_support.hpp"
#include "minibroker/core/random.hpp"

using namespace minibroker;
using namespace minibroker::testing;
using namespace std::chrono_literals;

namespace {

// A small random order flow around each instrument's live quote, from three institutions, while
// quotes and halts flow: every report and trade, as text, in the order it happened.
struct flow final : feed_listener {
  explicit flow(scenario& s, std::uint64_t seed) : sc(s), rng(seed) {}

  void on_instrument(const instrument& i) override { log.push_back(fmt::format("{}", i)); }
  void on_quote(const quote& q) override {
    log.push_back(fmt::format("{}", q));
    const institution_id who{static_cast<std::uint32_t>(1 + rng.below(3))};
    const instrument& def = sc.definition(q.instrument);
    const std::uint64_t id = ++next_id[who.value()];
    if (rng.chance(0.2) && id > 1) {
      sc.send(cancel(who, rng.uniform(1, static_cast<std::int64_t>(id - 1)) < 0 ? 1 : id - 1));
      return;
    }
    const side s = rng.chance(0.5) ? side::buy : side::sell;
    const price px = q.last + price{rng.uniform(-2, 2)};
    sc.send(limit(who, id, q.instrument, s, def.lot_size * rng.uniform(1, 5), px));
  }

  scenario& sc;
  random_source rng;
  std::uint64_t next_id[4] = {};
  std::vector<std::string> log;
};

struct logger_listener final : report_listener {
  explicit logger_listener(std::vector<std::string>& l) : out(l) {}
  void on_report(const traced_report& r) override {
    out.push_back(fmt::format("{} rx={} m={}", r.report, r.trace.exchange_received.time_since_epoch().count(),
                              r.trace.matched.time_since_epoch().count()));
  }
  std::vector<std::string>& out;
};

std::vector<std::string> run_once(std::uint64_t seed) {
  auto config = quiet_config(seed);
  config.instruments = 5;
  config.quotes_per_second = 20;
  config.status_change_probability = 0.01;
  scenario s(config);
  flow f(s, seed + 1);
  logger_listener a(f.log), b(f.log), c(f.log);
  s.attach(inst_a, a);
  s.attach(inst_b, b);
  s.attach(inst_c, c);
  s.ex.feed().subscribe(f, s.io.get_executor());
  s.run_for(5s);
  s.ex.stop();
  s.run();
  for (const auto& e : s.ex.trades_timetable().all()) {
    f.log.push_back(fmt::format("{}", e.row));
  }
  const auto st = s.ex.stats();
  f.log.push_back(
      fmt::format("trades={} volume={} reports={} rejects={}", st.trades, st.volume, st.reports_sent, st.door_rejects));
  return f.log;
}

} // namespace

TEST_CASE("exchange: the same config and seed give the same event sequence byte for byte", "[exchange][determinism]") {
  const auto first = run_once(99);
  REQUIRE(first.size() > 500);
  const auto second = run_once(99);
  CHECK(first == second);
  CHECK(first != run_once(100));
  // The flow did trade.
  CHECK(first.back().find("trades=0 ") == std::string::npos);
}
