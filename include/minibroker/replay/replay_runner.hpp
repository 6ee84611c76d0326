#pragma once
// Feeds an order file through an order_matcher and writes every event as JSON Lines, in
// processing order: `minibroker replay` without --quiet.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "minibroker/core/clock.hpp"
#include "minibroker/matching/order_matcher.hpp"
#include "minibroker/replay/order_file.hpp"

namespace minibroker::replay {

struct replay_options {
  bool strict = false;      // stop at the first malformed line
  bool market_data = false; // also write top-of-book and depth events
  matcher_config matcher;
};

struct replay_counts {
  std::uint64_t new_orders = 0; // operations read, by kind
  std::uint64_t cancels = 0;
  std::uint64_t replaces = 0;
  std::uint64_t line_errors = 0;
  std::uint64_t reports = 0; // events written, by kind
  std::uint64_t rejects = 0;
  std::uint64_t trades = 0;
  std::int64_t volume = 0;
  std::uint64_t market_data = 0;
  // True when --strict stopped the run at a malformed line (stopped_at_line).
  bool stopped = false;
  std::size_t stopped_at_line = 0;
};

// Adds an instrument to the matcher for each one in the catalog.
void add_instruments(order_matcher& matcher, const instrument_catalog& catalog);

// Applies one operation to the matcher, or when the reader refused it at the edge, makes the
// reject report the matcher would have made (so the output has one report per refusal).
void apply(order_matcher& matcher, const order_file_entry& entry, order_listener* edge_listener);

// Thread safety: none (single owner).
class replay_runner final : public order_listener, public market_data_listener {
public:
  // `write` receives the JSON text in chunks of whole lines.
  replay_runner(const order_file_names& names, replay_options options, std::function<void(std::string_view)> write);

  replay_counts run(const std::vector<order_file_entry>& entries);

  void on_execution_report(const execution_report& report) override;
  void on_trade(const trade& t) override;
  void on_top_of_book(const top_of_book& top) override;
  void on_depth_update(const depth_update& update) override;

private:
  void flush_if_full();

  const order_file_names& names_;
  replay_options options_;
  std::function<void(std::string_view)> write_;
  virtual_clock clock_; // replay output has no wall-clock time in it
  order_matcher matcher_;
  fmt::memory_buffer out_;
  replay_counts counts_;
};

} // namespace minibroker::replay
