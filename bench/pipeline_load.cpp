// The end-to-end load bench: orders through the whole in-process pipeline (orders producer ->
// broker -> exchange -> matcher -> reports back at the broker), with quotes flowing at the same
// time. Three modes:
//
//   saturation  virtual clock: how many orders per wall-clock second the machine pushes through
//               (median of --repeat runs)
//   rates       real clock, fixed offered rates (default 10k, 100k, 1M orders/s in all): the rate
//               achieved and the end-to-end latency percentiles, from each order's due time (its
//               scheduled arrival: the honest figure, waiting to be sent included) and from its
//               send, and how late orders were sent
//   soak        real clock at one rate for --duration seconds: resident memory over time, so a
//               leak shows
//
// Usage: minibroker_pipeline_load [--mode saturation|rates|soak|all] [options]; --help lists them.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "latency_windows.hpp"
#include "minibroker/core/detail/page_memory.hpp"
#include "minibroker/sim/simulation.hpp"
#include "thread_interference.hpp"

namespace {

using namespace minibroker;
using wall_clock = std::chrono::steady_clock;

// Resident and peak resident memory of this process, in KiB, from /proc/self/status.
struct memory_use {
  long rss_kib = 0;
  long peak_kib = 0;
};

memory_use read_memory() {
  memory_use m;
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> m.rss_kib;
    } else if (key == "VmHWM:") {
      status >> m.peak_kib;
    }
    status.ignore(1 << 12, '\n');
  }
  return m;
}

struct run_result {
  simulation_summary summary;
  double wall_seconds = 0;  // the pipeline's run and drain
  double check_seconds = 0; // then the summary and the end-of-run check of the stores
  // Memory the background thread faulted in ahead of the stores during the run (page_memory.hpp).
  std::uint64_t populated_bytes = 0;
  // Of the calling thread. With one io thread the simulation runs on it, so these are what stalled
  // the pipeline (faults the background populate thread takes instead are not counted).
  bench::thread_interference machine;
};

run_result run(const scenario& s, const std::function<void(const simulation_progress&)>& progress = {},
               bench::latency_windows* windows = nullptr) {
  simulation sim(s, logger{nullptr}); // quiet: no sink
  if (progress) {
    sim.on_progress(progress);
  }
  if (windows != nullptr) {
    sim.on_report_trace([windows](std::size_t, const order_trace& t) { windows->record(t); });
  }
  const auto populated_before = core_detail::wait_for_populate(); // the runs before have finished theirs
  const auto machine_before = bench::thread_interference::now();
  const auto started = wall_clock::now();
  auto drained = started;
  bench::thread_interference machine;
  sim.on_drained([&] {
    drained = wall_clock::now();
    machine = bench::thread_interference::now() - machine_before;
  });
  run_result r{sim.run(), 0, 0, 0, {}};
  r.wall_seconds = std::chrono::duration<double>(drained - started).count();
  r.check_seconds = std::chrono::duration<double>(wall_clock::now() - drained).count();
  r.populated_bytes = core_detail::wait_for_populate().populated_bytes - populated_before.populated_bytes;
  r.machine = machine;
  if (!r.summary.ok()) {
    for (const auto& f : r.summary.failures) {
      std::cerr << "check failed: " << f << "\n";
    }
    throw std::runtime_error("the run is inconsistent");
  }
  return r;
}

std::string us(duration d) { return fmt::format("{:.1f}", static_cast<double>(d.count()) / 1e3); }

void saturation(scenario s, int repeat) {
  s.clock = clock_mode::virtual_time;
  s.threads = 1;
  std::vector<double> rates;
  fmt::print("saturation (virtual clock): {} operations, {} instruments at {} quotes/s each, {} institutions\n",
             s.orders, s.instruments, s.quote_rate, s.institutions);
  for (int i = 0; i < repeat; ++i) {
    const auto r = run(s);
    const double rate = static_cast<double>(r.summary.operations_sent) / r.wall_seconds;
    rates.push_back(rate);
    fmt::print("  run {}: {:.0f} orders/s ({} reports, {} trades, {} quotes produced, {:.2f} s, {} page faults "
               "({:.0f} MB faulted in ahead by the background thread), {:.2f} s stolen, {:.2f} s waiting; then "
               "{:.3f} s summary and check, not counted)\n",
               i + 1, rate, r.summary.reports_back, r.summary.trades, r.summary.quotes_produced, r.wall_seconds,
               r.machine.minor_faults, static_cast<double>(r.populated_bytes) / 1e6, r.machine.steal_seconds,
               r.machine.waiting_seconds, r.check_seconds);
  }
  std::sort(rates.begin(), rates.end());
  fmt::print("  median: {:.0f} orders/s end to end\n\n", rates[rates.size() / 2]);
}

void fixed_rates(scenario s, const std::vector<double>& offered, double seconds, double window_ms) {
  s.clock = clock_mode::real_time;
  s.orders = 0;
  s.duration = seconds;
  fmt::print("fixed offered rates (real clock, {} s each, {} institutions, {} thread(s)), latency in microseconds\n",
             seconds, s.institutions, s.threads);
  fmt::print("  from due: from each order's scheduled arrival to its report back at the broker (what a client\n"
             "  sees, waiting to be sent included); from send: from the broker's order handler; late: due -> send\n"
             "  the machine, over the run: the pipeline thread's page faults and seconds it waited for a\n"
             "  processor, and the seconds the hypervisor stole from this VM (all processors)\n");
  fmt::print("{:>12} {:>12} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10} {:>8} {:>8} {:>8}\n", "offered/s", "achieved/s",
             "from", "p50", "p90", "p99", "p99.9", "max", "quotes/s", "faults", "waited", "stolen");
  for (const double rate : offered) {
    s.order_rate = rate / static_cast<double>(s.institutions);
    std::optional<bench::latency_windows> windows;
    if (window_ms > 0) {
      windows.emplace(std::chrono::duration_cast<duration>(std::chrono::duration<double, std::milli>(window_ms)));
    }
    const auto r = run(s, {}, windows ? &*windows : nullptr);
    const auto& l = r.summary.latency;
    const auto line = [&](std::string_view from, const latency_percentiles& p, bool first) {
      if (first) {
        fmt::print("{:>12.0f} {:>12.0f} ", rate,
                   static_cast<double>(r.summary.operations_sent) / r.summary.simulated_seconds);
      } else {
        fmt::print("{:>12} {:>12} ", "", "");
      }
      fmt::print("{:>10} {:>9} {:>9} {:>9} {:>9} {:>9}", from, us(p.p50), us(p.p90), us(p.p99), us(p.p999), us(p.max));
      if (first) {
        fmt::print(" {:>10.0f} {:>8} {:>8.3f} {:>8.2f}",
                   static_cast<double>(r.summary.quotes_produced) / r.summary.simulated_seconds, r.machine.minor_faults,
                   r.machine.waiting_seconds, r.machine.steal_seconds);
      }
      fmt::print("\n");
    };
    line("due", l.end_to_end, true);
    line("send", l.end_to_end_from_send, false);
    line("late", l.frontend_to_broker, false);
    if (windows) {
      windows->print();
    }
  }
  fmt::print("\n");
}

void soak(scenario s, double rate, double seconds, double every) {
  s.clock = clock_mode::real_time;
  s.orders = 0;
  s.duration = seconds;
  s.order_rate = rate / static_cast<double>(s.institutions);
  fmt::print("soak (real clock, {:.0f} orders/s for {} s): memory every {} s\n", rate, seconds, every);
  fmt::print("{:>10} {:>14} {:>12} {:>12}\n", "seconds", "operations", "rss MiB", "peak MiB");
  double next = every;
  const auto r = run(s, [&](const simulation_progress& p) {
    if (p.simulated_seconds >= next) {
      const auto m = read_memory();
      fmt::print("{:>10.0f} {:>14} {:>12.1f} {:>12.1f}\n", p.simulated_seconds, p.operations_sent,
                 static_cast<double>(m.rss_kib) / 1024.0, static_cast<double>(m.peak_kib) / 1024.0);
      std::fflush(stdout);
      next += every;
    }
  });
  const auto m = read_memory();
  fmt::print("done: {} operations, {} trades; peak resident memory {:.1f} MiB (retention {} rows per timetable)\n\n",
             r.summary.operations_sent, r.summary.trades, static_cast<double>(m.peak_kib) / 1024.0, s.retention_rows);
}

} // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string mode = "all";
  scenario s;
  s.orders = 1'000'000;
  int repeat = 3;
  std::vector<double> offered{10'000, 100'000, 1'000'000};
  double rate_seconds = 3;
  double window_ms = 0;
  double soak_rate = 50'000;
  double soak_seconds = 300;
  double soak_every = 10;
  po::options_description described("minibroker_pipeline_load [options]");
  described.add_options()("help,h", "this text")("mode", po::value(&mode)->default_value(mode),
                                                 "saturation, rates, soak or all (all: saturation then rates)")(
      "orders", po::value(&s.orders)->default_value(s.orders), "saturation: operations per run")(
      "repeat", po::value(&repeat)->default_value(repeat), "saturation: runs (the median is reported)")(
      "instruments", po::value(&s.instruments)->default_value(s.instruments), "instruments")(
      "institutions", po::value(&s.institutions)->default_value(s.institutions), "institutions (brokers)")(
      "quote-rate", po::value(&s.quote_rate)->default_value(s.quote_rate),
      "quotes per second per instrument")("seed", po::value(&s.seed)->default_value(s.seed), "random seed")(
      "threads", po::value(&s.threads)->default_value(s.threads),
      "rates and soak: io threads")("retention-rows", po::value(&s.retention_rows)->default_value(s.retention_rows),
                                    "rows each timetable keeps (the oldest are evicted and their memory reused)")(
      "rate", po::value(&offered)->multitoken(), "rates: offered orders per second in all (repeatable)")(
      "rate-seconds", po::value(&rate_seconds)->default_value(rate_seconds), "rates: seconds per rate")(
      "windows", po::value(&window_ms), "rates: also the latency of each window of this many milliseconds")(
      "soak-rate", po::value(&soak_rate)->default_value(soak_rate), "soak: orders per second in all")(
      "duration", po::value(&soak_seconds)->default_value(soak_seconds), "soak: seconds")(
      "every", po::value(&soak_every)->default_value(soak_every), "soak: seconds between memory lines");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, described), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << e.what() << "\n" << described;
    return 2;
  }
  if (vm.count("help") != 0) {
    std::cout << described;
    return 0;
  }
  if (auto error = validate(s)) {
    std::cerr << *error << "\n";
    return 2;
  }
  try {
    if (mode == "saturation" || mode == "all") {
      saturation(s, std::max(1, repeat));
    }
    if (mode == "rates" || mode == "all") {
      fixed_rates(s, offered, rate_seconds, window_ms);
    }
    if (mode == "soak") {
      soak(s, soak_rate, soak_seconds, soak_every);
    }
    if (mode != "saturation" && mode != "rates" && mode != "soak" && mode != "all") {
      std::cerr << "unknown --mode `" << mode << "`\n";
      return 2;
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
