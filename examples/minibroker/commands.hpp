#pragma once
// The subcommands of the minibroker program. Each takes its own arguments (after the command
// name) and returns the process exit code: 0 success, 1 the run found a problem (a malformed
// line under --strict, a failed check), 2 bad usage or unreadable input.

#include <string>
#include <vector>

namespace minibroker::cli {

using arguments = std::vector<std::string>;

int replay_command(const arguments& args);
int gen_orders_command(const arguments& args);
int sim_command(const arguments& args);
int exchange_command(const arguments& args);
int broker_command(const arguments& args);

} // namespace minibroker::cli
