#pragma once
// The wiring behind `minibroker broker`: brokers over one WebSocket market data feed and one
// WebSocket order gateway each, against a remote `minibroker exchange`, driven by an orders
// producer (random flow, one institution) or by an order file (order_file_source, one broker per
// institution of the file). The io_context runs on a thread of its own; run() watches it from the
// calling thread: the end of the flow, the connections, then the drain (every report the
// exchange sent the institutions has reached the brokers), and returns what happened.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "minibroker/replay/order_file.hpp"
#include "minibroker/sim/latency_recorder.hpp"
#include "minibroker/sim/scenario.hpp"

namespace minibroker::cli {

struct member {
  std::string name;
  std::string token;
};

struct broker_run_config {
  std::string host;
  std::uint16_t port = 0;
  std::vector<member> members; // one broker each; with an order file, in the file's institution order
  // Random flow (no order file): the producer's settings.
  std::uint64_t seed = 1;
  double order_rate = 1000;
  std::uint64_t orders = 0;       // 0: until duration
  std::optional<double> duration; // seconds of flow
  order_mix mix;
  // An order file: its operations, and the names they use (must outlive the run).
  const replay::order_file_names* names = nullptr;
  std::vector<replay::order_file_entry> entries;
  // Give up when a connection to the exchange has been down (or never came up) this long.
  std::chrono::milliseconds give_up_after{10'000};
};

struct traded {
  std::uint64_t trade_id = 0;
  std::string symbol;
  std::string price;
  std::int64_t qty = 0;
  std::string buy_institution, buy_id, sell_institution, sell_id; // empty: that side is not ours
};

struct broker_run_result {
  std::optional<std::string> lost; // why the run gave up (the exchange is gone); the rest is partial
  double seconds = 0;
  std::uint64_t operations = 0; // handed to the brokers
  std::uint64_t not_sent = 0;   // order file: refused while reading, or an unlisted symbol
  std::uint64_t line_errors = 0;
  std::uint64_t answered = 0;
  std::uint64_t rejects = 0; // answers that were rejects (the broker's and the exchange's)
  std::uint64_t reports = 0;
  std::uint64_t fills = 0;                               // trade reports
  std::map<std::string, std::uint64_t> orders_by_status; // the brokers' order stores
  std::map<std::string, std::uint64_t> rejects_by_reason;
  std::vector<traded> trades; // by trade id
  std::uint64_t volume = 0;
  latency_percentiles answer_latency; // frontend sent -> its answer back at the broker
};

broker_run_result run_brokers(broker_run_config config);

} // namespace minibroker::cli
