#pragma once
// Asks a running `minibroker exchange` for how many execution reports it has sent an institution
// (GET /metrics, minibroker_exchange_institution_reports_sent_total): the number the broker's
// report stream must reach before the broker has heard everything its requests caused.

#include <cstdint>
#include <optional>
#include <string>

namespace minibroker::cli {

// Blocking; its own connection. Nothing when the exchange cannot be reached or does not list the
// institution.
std::optional<std::uint64_t> reports_sent(const std::string& host, std::uint16_t port, const std::string& institution);

} // namespace minibroker::cli
