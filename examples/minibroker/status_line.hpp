#pragma once
// The status line `minibroker sim` shows while it runs: on a terminal one line refreshed in place
// (a few times a second), otherwise a plain line every few seconds. Rates are per wall-clock
// second over the interval since the previous line.

#include <chrono>
#include <cstdio>

#include "minibroker/sim/simulation.hpp"

namespace minibroker::cli {

class status_line {
public:
  explicit status_line(std::FILE* out);

  // Called with every progress report; prints when the interval has passed.
  void update(const simulation_progress& p);
  // Ends the refreshed line (a terminal) so that what follows starts on its own line.
  void finish();

private:
  using wall_clock = std::chrono::steady_clock;

  std::FILE* out_;
  bool terminal_;
  wall_clock::duration interval_;
  wall_clock::time_point started_;
  wall_clock::time_point last_print_;
  simulation_progress last_{};
  bool printed_ = false;
};

} // namespace minibroker::cli
