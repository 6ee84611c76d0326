// minibroker sim: runs a scenario (docs/simulation.md) through the exchange, the brokers and the
// orders producers in one process; a status line while it runs, a summary at the end.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "minibroker/sim/simulation.hpp"
#include "minibroker/sim/summary_report.hpp"
#include "status_line.hpp"

#ifdef MINIBROKER_HAVE_WS
#include "minibroker/ws/loopback_transport.hpp"
#endif

namespace minibroker::cli {
namespace {

namespace po = boost::program_options;

// The scenario flags, without defaults: only the flags given override the file (or the defaults).
struct scenario_flags {
  std::optional<std::uint64_t> seed;
  std::optional<std::string> clock;
  std::optional<std::string> transport;
  std::optional<std::uint64_t> orders;
  std::optional<double> duration;
  std::optional<std::size_t> instruments;
  std::optional<std::size_t> institutions;
  std::optional<double> order_rate;
  std::optional<double> quote_rate;
  std::optional<std::size_t> threads;
};

template <typename T>
void optional_flag(po::options_description& d, const char* name, std::optional<T>& target, const char* help) {
  d.add_options()(name, po::value<T>()->notifier([&target](const T& v) { target = v; }), help);
}

// The file (when given) over the defaults, then the flags over both. An error is a sentence.
std::optional<std::string> build_scenario(const std::optional<std::string>& config_path, const scenario_flags& flags,
                                          scenario& out) {
  if (config_path) {
    std::ifstream in(*config_path, std::ios::binary);
    if (!in) {
      return fmt::format("cannot read --config `{}`", *config_path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = scenario_from_json(text.str(), out);
    if (!parsed) {
      return fmt::format("--config `{}`: {}", *config_path, parsed.error());
    }
    out = *parsed;
  }
  if (flags.clock) {
    auto mode = clock_mode_from_string(*flags.clock);
    if (!mode) {
      return fmt::format("--clock `{}`: expected virtual or real", *flags.clock);
    }
    out.clock = *mode;
  }
  if (flags.transport) {
    auto mode = transport_mode_from_string(*flags.transport);
    if (!mode) {
      return fmt::format("--transport `{}`: expected in_process or ws", *flags.transport);
    }
    out.transport = *mode;
  }
  // A flag given on the command line overrides the file's value.
  const auto override_with = [](auto& field, const auto& flag) {
    if (flag) {
      field = *flag;
    }
  };
  override_with(out.seed, flags.seed);
  override_with(out.orders, flags.orders);
  override_with(out.duration, flags.duration);
  override_with(out.instruments, flags.instruments);
  override_with(out.institutions, flags.institutions);
  override_with(out.order_rate, flags.order_rate);
  override_with(out.quote_rate, flags.quote_rate);
  override_with(out.threads, flags.threads);
  return validate(out);
}

} // namespace

int sim_command(const arguments& args) {
  scenario_flags flags;
  std::optional<std::string> config_path;
  std::optional<std::string> events_path;
  std::optional<std::string> export_dir;
  po::options_description described("minibroker sim [options]\n\n"
                                    "Scenario (a flag overrides --config, which overrides the defaults)");
  described.add_options()("help,h", "this text");
  optional_flag(described, "config", config_path, "scenario JSON file (docs/simulation.md)");
  optional_flag(described, "seed", flags.seed, "random seed (default 1)");
  optional_flag(described, "clock", flags.clock, "virtual (as fast as possible, deterministic; default) or real");
  optional_flag(described, "transport", flags.transport,
                "in_process (default) or ws: the brokers reach the exchange over WebSocket on loopback "
                "(needs --clock real)");
  optional_flag(described, "orders", flags.orders,
                "stop after this many operations in all; 0: no limit (default 100000)");
  optional_flag(described, "duration", flags.duration, "stop after this many seconds of simulated time");
  optional_flag(described, "instruments", flags.instruments, "instruments listed by the exchange (default 10)");
  optional_flag(described, "institutions", flags.institutions, "brokers, one orders producer each (default 2)");
  optional_flag(described, "order-rate", flags.order_rate, "operations per second per institution (default 10000)");
  optional_flag(described, "quote-rate", flags.quote_rate, "quotes per second per instrument (default 100)");
  optional_flag(described, "threads", flags.threads, "io threads, real clock only (default 1)");
  po::options_description outputs("Outputs");
  outputs.add_options()("events", po::value<std::string>()->notifier([&](const std::string& v) { events_path = v; }),
                        "write every domain event to FILE as JSON Lines")(
      "export", po::value<std::string>()->notifier([&](const std::string& v) { export_dir = v; }),
      "write the timetables as CSV files into DIR")("json", "print the summary as JSON on standard output")(
      "no-status", "no status line while it runs");
  described.add(outputs);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(described).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "minibroker sim: " << e.what() << "\n\n" << described;
    return 2;
  }
  if (vm.count("help") != 0) {
    std::cout << described;
    return 0;
  }
  scenario settings;
  if (auto error = build_scenario(config_path, flags, settings)) {
    std::cerr << "minibroker sim: " << *error << "\n";
    return 2;
  }

  std::ofstream events;
  if (events_path) {
    events.open(*events_path, std::ios::binary | std::ios::trunc);
    if (!events) {
      std::cerr << "minibroker sim: cannot write --events `" << *events_path << "`\n";
      return 2;
    }
  }

  sim_transport_factory transport;
#ifdef MINIBROKER_HAVE_WS
  transport = ws::loopback_transport::factory();
#else
  if (settings.transport == transport_mode::ws) {
    std::cerr << "minibroker sim: --transport ws: this build has no WebSocket support (configure with "
                 "-DMINIBROKER_WITH_WS=ON)\n";
    return 2;
  }
#endif
  simulation sim(settings, logger{}, std::move(transport));
  if (events.is_open()) {
    sim.on_event([&events](std::string_view line) {
      events.write(line.data(), static_cast<std::streamsize>(line.size()));
      events.put('\n');
    });
  }
  std::optional<status_line> status;
  if (vm.count("no-status") == 0) {
    status.emplace(stderr);
    sim.on_progress([&status](const simulation_progress& p) { status->update(p); });
  }

  const auto started = std::chrono::steady_clock::now();
  const simulation_summary summary = sim.run();
  const double wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (status) {
    status->finish();
  }

  if (events.is_open()) {
    events.flush();
    if (!events) {
      std::cerr << "minibroker sim: writing --events `" << *events_path << "` failed\n";
      return 2;
    }
  }
  if (export_dir) {
    try {
      sim.export_csv(*export_dir);
    } catch (const std::exception& e) {
      std::cerr << "minibroker sim: --export `" << *export_dir << "`: " << e.what() << "\n";
      return 2;
    }
  }
  const std::string report =
      vm.count("json") != 0 ? summary_json(summary, wall_seconds) : summary_text(summary, wall_seconds);
  std::fwrite(report.data(), 1, report.size(), stdout);
  if (vm.count("json") != 0) {
    std::fputc('\n', stdout);
  }
  std::fflush(stdout);
  if (!summary.ok()) {
    std::cerr << "minibroker sim: the run is inconsistent, " << summary.failures.size()
              << " check(s) failed (listed in the summary)\n";
    return 1;
  }
  return 0;
}

} // namespace minibroker::cli
