#pragma once
// The invariants a finished, drained simulation must hold. Each check that fails adds one
// sentence saying what differs; an empty list means the run is consistent.
//
// - The broker's view of every order equals the exchange's (status, cumulative quantity), and
//   each side knows every order the other knows.
// - Bought equals sold, per instrument, and both equal the traded volume.
// - Every order at the exchange is finished or resting in its book.
// - Every bus queue balances: published = delivered + dropped + dead-lettered + failed + still
//   queued, and nothing is still queued.
// - The flow balances stage by stage: what a broker accepted it sent, and the exchange received
//   what the brokers sent.
// - The timetables hold what was produced, within their retention.

#include <memory>
#include <string>
#include <vector>

namespace minibroker {

class exchange;
class broker;

std::vector<std::string> check_simulation(const exchange& ex, const std::vector<std::unique_ptr<broker>>& brokers);

} // namespace minibroker
