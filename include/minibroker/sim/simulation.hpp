#pragma once
// simulation: a scenario run end to end in one process. One exchange, one broker and one
// orders producer per institution, wired through the in-process seams on one io_context:
//
//   orders_producer --> broker (order_handler ... order_connector) --> in-process gateway -->
//   exchange (orders_api, orders_processor, matcher) --> reports back to the broker --> frontends
//   exchange market_data_producer --> in-process feed --> each broker's market data flow
//
// With transport ws (scenario::transport) the brokers reach the exchange through a sim_transport
// (a WebSocket server and clients over loopback, from the factory given to the constructor)
// instead: the same flow, the same checks, on the real clock and one thread.
//
// Virtual clock (the default): one thread, a virtual_scheduler; the machine goes as fast as it
// can and the same scenario gives the same event sequence, byte for byte. Real clock: rates are
// per wall-clock second, on `threads` threads (the exchange's matcher sharded on as many strands).
//
// At the end every producer stops, the pipeline drains (every request gets its reports), and the
// run checks its invariants (simulation_summary::failures lists what differs).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "minibroker/core/log.hpp"
#include "minibroker/gateway/order_trace.hpp"
#include "minibroker/sim/latency_recorder.hpp"
#include "minibroker/sim/scenario.hpp"
#include "minibroker/sim/transport.hpp"

namespace minibroker {

class exchange;
class broker;

// The stages of the order flow, timed from the trace each report carries (see order_trace).
struct stage_latencies {
  // The frontend's clock starts when a request is due (its scheduled arrival), so the first stage
  // is how late it was sent, and end_to_end counts that wait too (no coordinated omission).
  latency_percentiles frontend_to_broker;   // frontend due -> broker's order handler (the send)
  latency_percentiles broker_to_exchange;   // -> exchange's orders processor
  latency_percentiles exchange_to_matcher;  // -> matcher
  latency_percentiles matcher_to_broker;    // -> the report back at the broker
  latency_percentiles end_to_end;           // frontend due -> report back at the broker
  latency_percentiles end_to_end_from_send; // broker's order handler (the send) -> report back
};

struct queue_summary {
  std::string bus; // "exchange" or the broker's name
  std::string queue;
  std::uint64_t published = 0;
  std::uint64_t max_depth = 0;
  std::uint64_t dropped = 0;
  std::uint64_t rejected = 0;
  std::uint64_t dead_lettered = 0;
  std::uint64_t failed = 0;
};

struct simulation_summary {
  scenario settings;
  double simulated_seconds = 0; // from the first to the last event, on the simulation's clock
  // The order flow, stage by stage.
  std::uint64_t operations_sent = 0;   // by the frontends
  std::uint64_t broker_accepted = 0;   // passed the brokers' checks, sent to the exchange
  std::uint64_t broker_rejected = 0;   // refused by the brokers
  std::uint64_t exchange_received = 0; // reached the exchange's orders processor
  std::uint64_t matched = 0;           // processed by the matcher
  std::uint64_t reports_back = 0;      // execution reports received by the brokers
  std::uint64_t exchange_rejected = 0; // rejected by the exchange (door and matcher)
  // Market data.
  std::uint64_t quotes_produced = 0;
  std::uint64_t quotes_consumed = 0; // stored by the brokers, all brokers together
  std::uint64_t instrument_updates = 0;
  // Outcome.
  std::uint64_t trades = 0;
  std::uint64_t volume = 0;
  std::vector<std::pair<std::string, std::uint64_t>> orders_by_status;  // the exchange's view
  std::vector<std::pair<std::string, std::uint64_t>> rejects_by_reason; // brokers' and exchange's
  std::vector<queue_summary> queues;
  stage_latencies latency;
  // Invariants that did not hold, one sentence each; empty when the run is consistent.
  std::vector<std::string> failures;

  [[nodiscard]] bool ok() const noexcept { return failures.empty(); }
};

struct simulation_progress {
  double simulated_seconds = 0;
  double fraction_done = 0; // toward the orders or duration limit, whichever is nearer
  std::uint64_t operations_sent = 0;
  std::uint64_t quotes_produced = 0;
  std::uint64_t trades = 0;
  std::uint64_t queued = 0; // messages waiting in every bus queue
};

// Thread safety: one thread calls everything; run() drives the io_context (and its threads).
class simulation {
public:
  // Throws std::invalid_argument for a scenario validate() refuses, or transport ws without a
  // transport factory.
  explicit simulation(scenario settings, logger log = logger{}, sim_transport_factory transport = {});
  ~simulation();
  simulation(const simulation&) = delete;
  simulation& operator=(const simulation&) = delete;

  // Every domain event as one JSON line (no newline), in processing order: requests as the
  // frontends send them, execution reports as the brokers receive them, instrument and quote
  // updates as the first broker receives them. Set before run().
  void on_event(std::function<void(std::string_view line)> sink);
  // Each execution report's trace as a broker receives it (what stage_latencies are computed
  // from), with the broker's index, on that broker's executor: with more than one thread, calls
  // for different brokers may run at the same time. For tools that look at latency over time.
  // Set before run().
  void on_report_trace(std::function<void(std::size_t broker, const order_trace& trace)> sink);
  // Called about every 10 ms of simulated time (virtual clock) or 250 ms (real clock), on the
  // thread that called run(), or on an io thread (real clock).
  void on_progress(std::function<void(const simulation_progress&)> sink);
  // Called once, on the thread that called run(), when the scenario has run and the pipeline has
  // drained: before run() builds the summary and checks the stores (a benchmark's clock stops here).
  void on_drained(std::function<void()> sink);

  // Runs the scenario to its end, drains, checks. Once.
  simulation_summary run();

  // After run(): the timetables as CSV files in dir (created if missing).
  void export_csv(const std::filesystem::path& dir) const;

  [[nodiscard]] const minibroker::exchange& exchange() const;
  [[nodiscard]] std::size_t broker_count() const noexcept;
  [[nodiscard]] const minibroker::broker& broker(std::size_t index) const;

private:
  class impl;
  std::unique_ptr<impl> impl_;
};

} // namespace minibroker
