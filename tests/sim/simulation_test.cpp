#include <catch2/catch.hpp>

#include <string>

#include "minibroker/broker/broker.hpp"
#include "minibroker/exchange/exchange.hpp"
#include "minibroker/sim/simulation.hpp"

using namespace minibroker;

namespace {
scenario small_scenario(std::uint64_t seed) {
  scenario s;
  s.seed = seed;
  s.instruments = 4;
  s.institutions = 3;
  s.quote_rate = 200;
  s.order_rate = 5'000;
  s.orders = 6'000;
  return s;
}

struct run_result {
  simulation_summary summary;
  std::string events;
};

run_result run_with_events(const scenario& s) {
  simulation sim{s, logger::silent()};
  run_result result;
  sim.on_event([&](std::string_view line) {
    result.events.append(line);
    result.events.push_back('\n');
  });
  result.summary = sim.run();
  return result;
}

std::string stages_of(std::size_t broker, const order_trace& t) {
  const auto ns = [](timestamp at) { return std::to_string(at.time_since_epoch().count()); };
  return "broker " + std::to_string(broker) + ": frontend_sent " + ns(t.frontend_sent) + " broker_received " +
         ns(t.broker_received) + " exchange_received " + ns(t.exchange_received) + " matched " + ns(t.matched) +
         " report_received " + ns(t.report_received);
}

std::string failures_of(const simulation_summary& s) {
  std::string text;
  for (const auto& f : s.failures) {
    text += f + "\n";
  }
  return text;
}
} // namespace

TEST_CASE("simulation: a virtual-clock run sends every order, drains and is consistent", "[simulation]") {
  simulation sim{small_scenario(1), logger::silent()};
  const auto summary = sim.run();
  INFO(failures_of(summary));
  CHECK(summary.ok());
  CHECK(summary.operations_sent == 6'000);
  CHECK(summary.broker_accepted + summary.broker_rejected == 6'000);
  CHECK(summary.exchange_received == summary.broker_accepted);
  CHECK(summary.trades > 100);
  CHECK(summary.quotes_produced > 0);
  CHECK(summary.quotes_consumed == summary.quotes_produced * 3); // every broker stores every quote
  CHECK(summary.reports_back >= summary.exchange_received);
  CHECK(summary.simulated_seconds == Approx(6'000.0 / 15'000.0).epsilon(0.1));
}

TEST_CASE("simulation: the same seed gives a byte-identical event log", "[simulation]") {
  const auto a = run_with_events(small_scenario(42));
  const auto b = run_with_events(small_scenario(42));
  CHECK(a.summary.ok());
  CHECK(a.events.size() > 100'000);
  CHECK(a.events == b.events);
}

TEST_CASE("simulation: another seed gives another event log", "[simulation]") {
  CHECK(run_with_events(small_scenario(1)).events != run_with_events(small_scenario(2)).events);
}

TEST_CASE("simulation: a duration limit stops the run on simulated time", "[simulation]") {
  auto s = small_scenario(3);
  s.orders = 0;
  s.duration = 0.25;
  simulation sim{s, logger::silent()};
  const auto summary = sim.run();
  INFO(failures_of(summary));
  CHECK(summary.ok());
  CHECK(summary.simulated_seconds == Approx(0.25));
  CHECK(summary.operations_sent > 3'000); // 3 x 5,000/s x 0.25 s, Poisson
  CHECK(summary.operations_sent < 4'500);
}

TEST_CASE("simulation: a bad scenario is refused before anything runs", "[simulation]") {
  auto s = small_scenario(1);
  s.instruments = 0;
  CHECK_THROWS_AS(simulation(s, logger::silent()), std::invalid_argument);
}

TEST_CASE("simulation: a real-clock run on several threads is consistent", "[simulation][threads]") {
  auto s = small_scenario(5);
  s.clock = clock_mode::real_time;
  s.threads = 2;
  s.order_rate = 20'000;
  s.orders = 3'000;
  simulation sim{s, logger::silent()};
  const auto summary = sim.run();
  INFO(failures_of(summary));
  CHECK(summary.ok());
  CHECK(summary.operations_sent == 3'000);
  CHECK(summary.latency.end_to_end.count > 0);
}

TEST_CASE("simulation: end to end counts from the due time and is never below the latency from the send",
          "[simulation][latency]") {
  auto s = small_scenario(6);
  s.clock = clock_mode::real_time;
  s.order_rate = 20'000;
  s.orders = 2'000;
  simulation sim{s, logger::silent()};
  const auto summary = sim.run();
  INFO(failures_of(summary));
  REQUIRE(summary.ok());
  const auto& l = summary.latency;
  // Every report is measured both ways, and due <= send for each: each percentile dominates.
  CHECK(l.end_to_end.count > 0);
  CHECK(l.end_to_end_from_send.count == l.end_to_end.count);
  CHECK(l.frontend_to_broker.count == l.end_to_end.count);
  CHECK(l.end_to_end.p50 >= l.end_to_end_from_send.p50);
  CHECK(l.end_to_end.p99 >= l.end_to_end_from_send.p99);
  CHECK(l.end_to_end.max >= l.end_to_end_from_send.max);
}

TEST_CASE("simulation: every report a broker receives is traced once, with its stages in time order",
          "[simulation][latency]") {
  const auto s = small_scenario(7);
  simulation sim{s, logger::silent()};
  std::vector<std::uint64_t> traced(s.institutions, 0);
  std::uint64_t out_of_order = 0;
  std::string first_out_of_order; // its stages, so that a failure says which were out of order
  std::uint64_t through_exchange = 0;
  sim.on_report_trace([&](std::size_t broker, const order_trace& t) {
    REQUIRE(broker < traced.size());
    ++traced[broker];
    if (t.exchange_received == timestamp{}) {
      return; // refused by the broker: it never left
    }
    ++through_exchange;
    const bool ordered =
        t.frontend_sent <= t.broker_received && t.broker_received <= t.exchange_received &&
        t.exchange_received <= t.report_received &&
        (t.matched == timestamp{} || (t.exchange_received <= t.matched && t.matched <= t.report_received));
    if (!ordered && out_of_order++ == 0) {
      first_out_of_order = stages_of(broker, t);
    }
  });
  const auto summary = sim.run();
  INFO(failures_of(summary));
  REQUIRE(summary.ok());
  std::uint64_t all = 0;
  for (std::size_t i = 0; i < traced.size(); ++i) {
    CHECK(traced[i] > 0); // every institution sent orders and got reports
    all += traced[i];
  }
  // A report from the exchange, or the broker's own reject of an order it never sent.
  CHECK(through_exchange == summary.reports_back);
  CHECK(all - through_exchange == summary.broker_rejected);
  CHECK(through_exchange == summary.latency.end_to_end.count);
  INFO("first report out of order: " << first_out_of_order);
  CHECK(out_of_order == 0);
}

TEST_CASE("simulation: on_drained is called once after every report and before run returns", "[simulation]") {
  const auto s = small_scenario(3);
  simulation sim{s, logger::silent()};
  std::uint64_t traced = 0;
  std::uint64_t traced_when_drained = 0;
  int drained_calls = 0;
  sim.on_report_trace([&](std::size_t, const order_trace&) { ++traced; });
  sim.on_drained([&] {
    ++drained_calls;
    traced_when_drained = traced;
  });
  const auto summary = sim.run();
  INFO(failures_of(summary));
  REQUIRE(summary.ok());
  CHECK(drained_calls == 1);
  CHECK(traced_when_drained == traced);
  CHECK(traced == summary.reports_back + summary.broker_rejected);
}
