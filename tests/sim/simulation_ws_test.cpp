// The simulation over the WebSocket transport (scenario transport ws): the brokers reach the
// exchange through an exchange_server on loopback, and the end-of-run checks still hold.
#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "minibroker/sim/simulation.hpp"
#include "minibroker/ws/loopback_transport.hpp"

using namespace minibroker;

namespace {

scenario ws_scenario() {
  scenario s;
  s.transport = transport_mode::ws;
  s.clock = clock_mode::real_time;
  s.seed = 4;
  s.instruments = 3;
  s.institutions = 2;
  s.quote_rate = 100;
  s.order_rate = 10'000;
  s.orders = 3'000;
  return s;
}

std::string failures_of(const simulation_summary& s) {
  std::string text;
  for (const auto& f : s.failures) {
    text += f + "\n";
  }
  return text;
}

} // namespace

TEST_CASE("sim ws: a run over loopback WebSocket passes every check", "[sim][ws]") {
  simulation sim{ws_scenario(), logger::silent(), ws::loopback_transport::factory()};
  std::uint64_t from_exchange = 0;
  // A report from the exchange with no request trace to match: the gateway keeps a trace until its
  // order is final, so the reject of a cancel that crossed the order's fill finds none.
  std::uint64_t unmatched = 0;
  sim.on_report_trace([&](std::size_t, const order_trace& t) {
    if (t.report_received == timestamp{}) {
      return; // the broker's own reject: it never left
    }
    ++from_exchange;
    unmatched += t.frontend_sent == timestamp{} ? 1 : 0;
  });
  const simulation_summary s = sim.run();
  INFO(failures_of(s));
  CHECK(s.ok());
  CHECK(s.operations_sent == 3'000);
  CHECK(s.exchange_received == s.broker_accepted);
  CHECK(s.reports_back > 0);
  CHECK(s.trades > 0);
  CHECK(s.quotes_consumed > 0);
  CHECK(s.latency.end_to_end.count > 0);
  // End-to-end latency is measured for every report from the exchange that has the frontend's
  // stamp, and never from a zero one.
  CHECK(from_exchange == s.reports_back);
  CHECK(s.latency.end_to_end.count == from_exchange - unmatched);
}

TEST_CASE("sim ws: transport ws with the virtual clock is refused", "[sim][ws]") {
  scenario s = ws_scenario();
  s.clock = clock_mode::virtual_time;
  REQUIRE(validate(s).has_value());
  CHECK(*validate(s) == "transport ws runs on the real clock: add --clock real");
  CHECK_THROWS_AS((simulation{s, logger::silent(), ws::loopback_transport::factory()}), std::invalid_argument);
}

TEST_CASE("sim ws: transport ws on several threads is refused", "[sim][ws]") {
  scenario s = ws_scenario();
  s.threads = 2;
  REQUIRE(validate(s).has_value());
  CHECK(*validate(s) == "transport ws runs on one thread: leave threads at 1");
}

TEST_CASE("sim ws: transport ws without a transport factory is refused", "[sim][ws]") {
  CHECK_THROWS_AS((simulation{ws_scenario(), logger::silent()}), std::invalid_argument);
}
