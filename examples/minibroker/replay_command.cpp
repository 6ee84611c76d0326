// minibroker replay FILE: an order file through the matcher, every event as a JSON line on
// standard output (or, with --quiet, only timing), a summary on standard error.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <span>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include <sys/resource.h>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "latency_stats.hpp"
#include "minibroker/replay/operation_clock.hpp"
#include "minibroker/replay/replay_runner.hpp"

namespace minibroker::cli {
namespace {

namespace po = boost::program_options;
using namespace minibroker::replay;
using steady = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error(fmt::format("cannot read `{}`", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

self_trade_prevention parse_stp(const std::string& text) {
  if (text == "off") {
    return self_trade_prevention::off;
  }
  if (text == "cancel-resting") {
    return self_trade_prevention::cancel_resting;
  }
  if (text == "cancel-incoming") {
    return self_trade_prevention::cancel_incoming;
  }
  throw std::runtime_error(fmt::format("--stp `{}`: expected off, cancel-resting or cancel-incoming", text));
}

// Counts what the matcher reports; the only listener in the timed passes.
struct counting_listener final : order_listener, market_data_listener {
  std::uint64_t reports = 0;
  std::uint64_t rejects = 0;
  std::uint64_t trades = 0;
  std::int64_t volume = 0;
  void on_execution_report(const execution_report& r) override {
    ++reports;
    rejects += r.type == exec_type::rejected ? 1 : 0;
  }
  void on_trade(const trade& t) override {
    ++trades;
    volume += t.qty.value();
  }
  [[nodiscard]] market_data_interest interest() const override {
    return {.trades = true, .top_of_book = false, .depth = false};
  }
};

// What the kernel did to the matching thread (this one) during a pass: page faults (first touch of
// memory) and context switches (preemption), both of which show up as latency the matcher did not
// cause. The thread's own, not the process's: page_memory's populate thread faults pages in for
// the matcher, and its faults and CPU time are not the matcher's stalls.
struct kernel_counts {
  long minor_faults = 0;
  long major_faults = 0;
  long switches = 0;
  double cpu_seconds = 0; // user + system
  static kernel_counts now() {
    rusage u{};
    getrusage(RUSAGE_THREAD, &u);
    const auto seconds = [](const timeval& t) {
      return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return {u.ru_minflt, u.ru_majflt, u.ru_nvcsw + u.ru_nivcsw, seconds(u.ru_utime) + seconds(u.ru_stime)};
  }
  kernel_counts operator-(const kernel_counts& o) const {
    return {minor_faults - o.minor_faults, major_faults - o.major_faults, switches - o.switches,
            cpu_seconds - o.cpu_seconds};
  }
};

struct prepared_run {
  std::vector<order_operation> operations; // only those that reach the matcher
  std::uint64_t edge_rejects = 0;
};

prepared_run prepare(const std::vector<order_file_entry>& entries) {
  prepared_run run;
  run.operations.reserve(entries.size());
  for (const auto& entry : entries) {
    if (const auto* op = std::get_if<order_operation>(&entry.content)) {
      if (entry.edge_reject == reject_reason::none) {
        run.operations.push_back(*op);
      } else {
        ++run.edge_rejects;
      }
    }
  }
  return run;
}

struct latency_pass {
  std::vector<std::int64_t> samples; // nanoseconds, one per operation, in order
  kernel_counts kernel;
  double seconds = 0;
  double ns_per_tick = 1; // of the clock read around each operation
};

// The clock read around each operation of the latency passes.
enum class latency_clock { tsc, steady_clock };

latency_clock parse_latency_clock(const std::string& text) {
  if (text == "tsc" && operation_clock::is_tsc) {
    return latency_clock::tsc;
  }
  if (text == "steady") {
    return latency_clock::steady_clock;
  }
  throw std::runtime_error(
      fmt::format("--latency-clock `{}`: expected {}", text,
                  operation_clock::is_tsc ? "tsc or steady" : "steady (no time-stamp counter here)"));
}

struct steady_ticks {
  [[nodiscard]] static std::uint64_t now() noexcept {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch()).count());
  }
};

// Each operation submitted alone on a fresh matcher, with a clock read around it. Samples are kept
// in the clock's ticks and converted to nanoseconds after the pass, at the rate measured over it.
template <typename Clock>
latency_pass time_each_operation(const order_file_names& names, const prepared_run& run,
                                 const replay_options& options) {
  latency_pass pass;
  pass.samples.reserve(run.operations.size());
  virtual_clock clock;
  order_matcher matcher(clock, options.matcher);
  add_instruments(matcher, names.instruments);
  counting_listener ignored;
  matcher.set_order_listener(&ignored);
  matcher.set_market_data_listener(&ignored);
  const auto kernel_before = kernel_counts::now();
  tick_calibration calibration;
  calibration.start();
  for (const auto& op : run.operations) {
    // The clock is read around the matcher's submit(), all of it (matching, recording, delivering
    // every event to the listener), and not around the visit that picks which submit() a line of
    // the file calls: that branch is the replay's own (and taken at random, a misprediction every
    // other operation or so).
    std::visit(
        [&](const auto& request) {
          const std::uint64_t before = Clock::now();
          matcher.submit(request);
          pass.samples.push_back(static_cast<std::int64_t>(Clock::now() - before));
        },
        op);
  }
  calibration.stop();
  pass.kernel = kernel_counts::now() - kernel_before;
  pass.seconds = std::chrono::duration<double>(calibration.elapsed()).count();
  if constexpr (!std::is_same_v<Clock, steady_ticks>) {
    pass.ns_per_tick = calibration.ns_per_tick();
    for (auto& s : pass.samples) {
      s = calibration.nanoseconds(static_cast<std::uint64_t>(s));
    }
  }
  return pass;
}

latency_pass time_each_operation(const order_file_names& names, const prepared_run& run, const replay_options& options,
                                 latency_clock which) {
  return which == latency_clock::tsc ? time_each_operation<operation_clock>(names, run, options)
                                     : time_each_operation<steady_ticks>(names, run, options);
}

// The median of a pair of clock reads around nothing: what each sample carries of the clock's
// own cost (reported, never subtracted).
template <typename Clock>
std::uint64_t empty_pair_ticks() {
  std::vector<std::uint64_t> pairs(10'001);
  for (auto& p : pairs) {
    const std::uint64_t before = Clock::now();
    p = Clock::now() - before;
  }
  std::nth_element(pairs.begin(), pairs.begin() + static_cast<std::ptrdiff_t>(pairs.size() / 2), pairs.end());
  return pairs[pairs.size() / 2];
}

// --quiet: parse first (done), then time the matching on fresh matchers: once for throughput (the
// operations as one batch), then twice with a clock read around each operation, submitted one at a
// time: the first pass gives the latency distribution, the second tells which slow operations
// were slow in both.
int run_timed(const order_file_names& names, const std::vector<order_file_entry>& entries,
              const replay_options& options, latency_clock which) {
  const auto run = prepare(entries);
  virtual_clock clock;
  counting_listener counts;
  double seconds = 0;
  kernel_counts throughput_kernel;
  {
    order_matcher matcher(clock, options.matcher);
    add_instruments(matcher, names.instruments);
    matcher.set_order_listener(&counts);
    matcher.set_market_data_listener(&counts);
    const auto kernel_before = kernel_counts::now();
    const auto start = steady::now();
    matcher.submit(std::span<const order_matcher::any_request>(run.operations)); // one batch: it may read ahead
    seconds = std::chrono::duration<double>(steady::now() - start).count();
    throughput_kernel = kernel_counts::now() - kernel_before;
  }

  latency_pass first = time_each_operation(names, run, options, which);
  // A second pass tells the machine's stalls from ours: an operation slow because of what it does
  // (a table copied as it grows, a burst of page faults) is slow at the same place every time, while
  // a preemption or the hypervisor's pause lands on an operation at random.
  const latency_pass second = time_each_operation(names, run, options, which);
  const std::size_t warm_from = run.operations.size() / 10; // "once warm": after the first 10%
  struct slow_operation {
    std::size_t index; // among the operations that reached the matcher
    std::int64_t first_ns;
    std::int64_t second_ns;
  };
  std::vector<slow_operation> slow_in_both; // warm operations over 100 us in both passes
  for (std::size_t i = warm_from; i < run.operations.size(); ++i) {
    if (first.samples[i] > 100'000 && second.samples[i] > 100'000) {
      slow_in_both.push_back({i, first.samples[i], second.samples[i]});
    }
  }
  std::vector<std::int64_t>& samples = first.samples;
  const kernel_counts& latency_kernel = first.kernel;
  const double latency_seconds = first.seconds;
  std::vector<std::int64_t> warm(samples.begin() + static_cast<std::ptrdiff_t>(warm_from), samples.end());
  const auto all = summarize(samples);
  const auto warm_stats = summarize(warm);
  // How many warm operations took long: compare with a trivial loop timed the same way on the same
  // machine, where the same counts per second are the scheduler's and the VM's.
  const auto over = [&warm](std::int64_t ns) {
    return std::count_if(warm.begin(), warm.end(), [ns](auto v) { return v > ns; });
  };
  const auto over_20us = over(20'000);
  const auto over_100us = over(100'000);

  const auto ops = run.operations.size();
  std::fprintf(stderr,
               "replay: %zu operations reached the matcher (%llu refused while reading); %llu reports, %llu "
               "rejects, %llu trades, volume %lld\n",
               ops, static_cast<unsigned long long>(run.edge_rejects), static_cast<unsigned long long>(counts.reports),
               static_cast<unsigned long long>(counts.rejects), static_cast<unsigned long long>(counts.trades),
               static_cast<long long>(counts.volume));
  std::fprintf(stderr,
               "replay: matching took %.3f s: %.2f million operations/s (file parsing excluded); on CPU time "
               "(%.3f s) %.2f million/s\n",
               seconds, seconds > 0 ? static_cast<double>(ops) / seconds / 1e6 : 0.0, throughput_kernel.cpu_seconds,
               throughput_kernel.cpu_seconds > 0 ? static_cast<double>(ops) / throughput_kernel.cpu_seconds / 1e6
                                                 : 0.0);
  std::fprintf(stderr,
               "replay: latency per operation (ns): p50 %lld  p90 %lld  p99 %lld  p99.9 %lld  max %lld  "
               "(max once warm %lld)\n",
               static_cast<long long>(all.p50), static_cast<long long>(all.p90), static_cast<long long>(all.p99),
               static_cast<long long>(all.p999), static_cast<long long>(all.max),
               static_cast<long long>(warm_stats.max));
  // What the instrument adds to every sample: the median of an empty pair of reads, in ns.
  const double steady_pair_ns = static_cast<double>(empty_pair_ticks<steady_ticks>());
  if (which == latency_clock::tsc) {
    std::fprintf(stderr,
                 "replay: timed with the time-stamp counter (lfence; rdtsc) at %.4f GHz, measured against "
                 "steady_clock over the pass; an empty pair of reads takes %.1f ns (steady_clock's: %.0f ns)\n",
                 first.ns_per_tick > 0 ? 1.0 / first.ns_per_tick : 0.0,
                 static_cast<double>(empty_pair_ticks<operation_clock>()) * first.ns_per_tick, steady_pair_ns);
  } else {
    std::fprintf(stderr, "replay: timed with steady_clock; an empty pair of reads takes %.0f ns\n", steady_pair_ns);
  }
  std::fprintf(stderr,
               "replay: once warm, %lld operations over 20 us and %lld over 100 us (latency pass: %.3f s); over "
               "100 us in both of two passes: %lld\n",
               static_cast<long long>(over_20us), static_cast<long long>(over_100us), latency_seconds,
               static_cast<long long>(slow_in_both.size()));
  // Which ones, with both times: the same operation in run after run is ours to explain.
  constexpr std::size_t listed = 8;
  constexpr std::array<const char*, 3> action{"new", "cancel", "replace"}; // by order_operation's alternative
  static_assert(std::variant_size_v<order_operation> == action.size());
  for (std::size_t k = 0; k < std::min(listed, slow_in_both.size()); ++k) {
    const slow_operation& o = slow_in_both[k];
    std::fprintf(stderr, "replay:   operation %zu of those that reached the matcher (%s): %lld us, then %lld us\n",
                 o.index, action.at(run.operations[o.index].index()), static_cast<long long>(o.first_ns / 1000),
                 static_cast<long long>(o.second_ns / 1000));
  }
  std::fprintf(stderr,
               "replay: on the matching thread, during the throughput pass %ld page faults (%ld major), %ld context "
               "switches; during the latency pass %ld (%ld), %ld\n",
               throughput_kernel.minor_faults, throughput_kernel.major_faults, throughput_kernel.switches,
               latency_kernel.minor_faults, latency_kernel.major_faults, latency_kernel.switches);
  return 0;
}

int run_verbose(const order_file_names& names, const std::vector<order_file_entry>& entries,
                const replay_options& options) {
  replay_runner runner(names, options,
                       [](std::string_view chunk) { std::fwrite(chunk.data(), 1, chunk.size(), stdout); });
  const auto start = steady::now();
  const auto counts = runner.run(entries);
  std::fflush(stdout);
  const double seconds = std::chrono::duration<double>(steady::now() - start).count();
  const auto ops = counts.new_orders + counts.cancels + counts.replaces;
  std::fprintf(stderr,
               "replay: %llu operations (%llu new, %llu cancel, %llu replace), %llu malformed lines; %llu trades, "
               "volume %lld, %llu rejects; %.3f s, %.0f operations/s with output\n",
               static_cast<unsigned long long>(ops), static_cast<unsigned long long>(counts.new_orders),
               static_cast<unsigned long long>(counts.cancels), static_cast<unsigned long long>(counts.replaces),
               static_cast<unsigned long long>(counts.line_errors), static_cast<unsigned long long>(counts.trades),
               static_cast<long long>(counts.volume), static_cast<unsigned long long>(counts.rejects), seconds,
               seconds > 0 ? static_cast<double>(ops) / seconds : 0.0);
  if (counts.stopped) {
    std::fprintf(stderr, "replay: stopped at malformed line %zu (--strict)\n", counts.stopped_at_line);
    return 1;
  }
  return 0;
}

} // namespace

int replay_command(const arguments& args) {
  std::string file;
  std::string instruments_file;
  std::string stp = "off";
  std::string clock_name = operation_clock::is_tsc ? "tsc" : "steady";
  replay_options options;
  bool quiet = false;
  po::options_description described("minibroker replay FILE [options]");
  described.add_options()("help,h", "this text")("instruments", po::value(&instruments_file),
                                                 "CSV `symbol,tick,lot` giving the instruments; without it every "
                                                 "symbol has tick 0.01 and lot 1")(
      "strict", po::bool_switch(&options.strict), "stop at the first malformed line with exit code 1")(
      "quiet", po::bool_switch(&quiet), "write no events: time the matching (parsing excluded) and its latency")(
      "market-data", po::bool_switch(&options.market_data), "also write top-of-book and depth events")(
      "stp", po::value(&stp), "self-trade prevention: off, cancel-resting, cancel-incoming (default off)")(
      "latency-clock", po::value(&clock_name),
      "with --quiet, the clock read around each operation: tsc (the time-stamp counter, calibrated against "
      "steady_clock over the pass; the default on x86-64) or steady (std::chrono::steady_clock)");
  po::options_description hidden;
  hidden.add_options()("file", po::value(&file));
  po::options_description all;
  all.add(described).add(hidden);
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "minibroker replay: " << e.what() << "\n" << described;
    return 2;
  }
  if (vm.count("help") != 0) {
    std::cout << described;
    return 0;
  }
  if (file.empty()) {
    std::cerr << "minibroker replay: an order file is required\n" << described;
    return 2;
  }
  options.matcher.stp = parse_stp(stp);

  order_file_names names;
  order_file_options read_options;
  if (!instruments_file.empty()) {
    load_instruments_csv(read_file(instruments_file), names.instruments);
    read_options.add_unknown_symbols = false;
  }
  const std::string text = read_file(file);
  order_file_reader reader(names, read_options);
  const auto entries = reader.read_all(text);
  if (!entries.empty() && entries.front().line == 1 && std::holds_alternative<line_error>(entries.front().content)) {
    std::cerr << "minibroker replay: " << file << ": " << std::get<line_error>(entries.front().content).message << "\n";
    return 2;
  }
  options.matcher.expected_orders = names.client_ids.size() + 1;
  options.matcher.expected_resting_orders = std::min<std::size_t>(entries.size() + 1, std::size_t{1} << 21);
  options.matcher.expected_instruments = names.instruments.all().size();
  return quiet ? run_timed(names, entries, options, parse_latency_clock(clock_name))
               : run_verbose(names, entries, options);
}

} // namespace minibroker::cli
