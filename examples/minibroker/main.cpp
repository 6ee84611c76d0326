// minibroker: run the whole exchange + broker simulation, replay an order flow through the
// matching engine, generate one. `minibroker help` lists the commands.
#include <cstdio>
#include <exception>
#include <string_view>

#include "commands.hpp"

namespace {

constexpr std::string_view usage = R"(usage: minibroker <command> [options]

commands:
  sim             run the exchange, brokers and order producers in one process, then a summary
  exchange        run the exchange behind its WebSocket server (docs/protocol.md)
  broker          run brokers against a remote exchange: random orders, or an order file
  replay FILE     replay an order file (CSV) through the matcher, one JSON event per line
  gen-orders      write a random order file (CSV) to standard output
  help            this text

`minibroker <command> --help` describes a command's options.
)";

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(usage.data(), stderr);
    return 2;
  }
  const std::string_view command = argv[1];
  const minibroker::cli::arguments args(argv + 2, argv + argc);
  try {
    if (command == "replay") {
      return minibroker::cli::replay_command(args);
    }
    if (command == "gen-orders") {
      return minibroker::cli::gen_orders_command(args);
    }
    if (command == "sim") {
      return minibroker::cli::sim_command(args);
    }
    if (command == "exchange") {
      return minibroker::cli::exchange_command(args);
    }
    if (command == "broker") {
      return minibroker::cli::broker_command(args);
    }
    if (command == "help" || command == "--help" || command == "-h") {
      std::fputs(usage.data(), stdout);
      return 0;
    }
    std::fprintf(stderr, "minibroker: unknown command `%.*s`\n\n%s", static_cast<int>(command.size()), command.data(),
                 usage.data());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "minibroker %.*s: %s\n", static_cast<int>(command.size()), command.data(), e.what());
    return 2;
  }
}
