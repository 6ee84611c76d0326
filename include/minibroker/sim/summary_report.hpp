#pragma once
// A simulation's summary as a text table for people and as JSON for scripts.

#include <string>

#include "minibroker/sim/simulation.hpp"

namespace minibroker {

// wall_seconds: how long the run took on the wall clock (the caller measures it; the library
// never reads the wall clock itself).
std::string summary_text(const simulation_summary& s, double wall_seconds);
std::string summary_json(const simulation_summary& s, double wall_seconds);

} // namespace minibroker
