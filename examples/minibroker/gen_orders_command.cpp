// minibroker gen-orders: a random order file on standard output (docs/order-file.md).
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "commands.hpp"
#include "minibroker/replay/order_generator.hpp"

namespace minibroker::cli {

int gen_orders_command(const arguments& args) {
  namespace po = boost::program_options;
  replay::generator_config config;
  std::string tick = "0.01";
  std::string start_price = "100.00";
  po::options_description described("minibroker gen-orders [options] > orders.csv");
  described.add_options()("help,h", "this text")("seed", po::value(&config.seed)->default_value(config.seed),
                                                 "random seed: the same seed gives the same file")(
      "count", po::value(&config.count)->default_value(config.count), "operations to write")(
      "symbols", po::value(&config.symbols)->default_value(config.symbols), "instruments (SYM01, SYM02, ...)")(
      "institutions", po::value(&config.institutions)->default_value(config.institutions),
      "institutions (inst1, inst2, ...)")("cancel-share", po::value(&config.cancel_share)->default_value(0.4, "0.4"),
                                          "share of operations that cancel a resting order")(
      "replace-share", po::value(&config.replace_share)->default_value(0.2, "0.2"),
      "share of operations that replace a resting order (new orders are the rest)")(
      "marketable-share", po::value(&config.marketable_share)->default_value(0.1, "0.1"),
      "share of new orders that cross the spread (market, IOC, FOK, crossing GTC)")(
      "invalid-share", po::value(&config.invalid_share)->default_value(0.0, "0"),
      "share of operations made invalid on purpose (rejected by the matcher)")(
      "resting", po::value(&config.resting)->default_value(config.resting),
      "resting orders the book holds in steady state (the file starts by building it up)")(
      "tick", po::value(&tick)->default_value(tick), "tick size of every symbol")(
      "start-price", po::value(&start_price)->default_value(start_price), "the mid price at the start");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(described).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "minibroker gen-orders: " << e.what() << "\n" << described;
    return 2;
  }
  if (vm.count("help") != 0) {
    std::cout << described;
    return 0;
  }
  auto parsed_tick = decimal::parse(tick);
  if (!parsed_tick || parsed_tick->mantissa() <= 0) {
    std::cerr << "minibroker gen-orders: --tick `" << tick << "` is not a positive decimal\n";
    return 2;
  }
  config.tick = *parsed_tick;
  auto parsed_start = parse_price(start_price, config.tick);
  if (!parsed_start) {
    std::cerr << "minibroker gen-orders: --start-price `" << start_price << "`: " << parsed_start.error().message()
              << "\n";
    return 2;
  }
  config.start_price = *parsed_start;
  if (auto error = replay::config_error(config); !error.empty()) {
    std::cerr << "minibroker gen-orders: " << error << "\n";
    return 2;
  }
  std::string buffer;
  buffer.reserve(1 << 17);
  replay::generate_orders(config, [&](std::string_view line) {
    buffer.append(line);
    buffer.push_back('\n');
    if (buffer.size() >= (1 << 16)) {
      std::fwrite(buffer.data(), 1, buffer.size(), stdout);
      buffer.clear();
    }
  });
  std::fwrite(buffer.data(), 1, buffer.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

} // namespace minibroker::cli
