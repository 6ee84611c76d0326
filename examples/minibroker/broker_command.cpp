// minibroker broker: brokers against a remote `minibroker exchange` over WebSocket, driven by
// random orders (one institution) or by an order file (one broker per institution of the file).
// A summary at the end; with --trades-out, the trades as JSON lines like replay's trade events.
#include <charconv>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"

#ifdef MINIBROKER_HAVE_WS
#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "broker_run.hpp"
#endif

namespace minibroker::cli {

#ifdef MINIBROKER_HAVE_WS
namespace {

namespace po = boost::program_options;

// ws://HOST:PORT (nothing after the port).
bool parse_exchange(const std::string& text, std::string& host, std::uint16_t& port) {
  constexpr std::string_view scheme = "ws://";
  if (text.rfind(scheme, 0) != 0) {
    return false;
  }
  const std::string rest = text.substr(scheme.size());
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return false;
  }
  unsigned value = 0;
  const char* first = rest.data() + colon + 1;
  const char* last = rest.data() + rest.size();
  const auto r = std::from_chars(first, last, value);
  if (r.ec != std::errc{} || r.ptr != last || first == last || value == 0 || value > 65535) {
    return false;
  }
  host = rest.substr(0, colon);
  port = static_cast<std::uint16_t>(value);
  return true;
}

// A whole number is a count of random operations; anything else names an order file.
std::optional<std::uint64_t> as_count(const std::string& text) {
  std::uint64_t n = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return n;
}

std::string json_summary(const broker_run_result& r, const std::vector<member>& members) {
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{{\"institutions\":[");
  for (std::size_t i = 0; i < members.size(); ++i) {
    fmt::format_to(it, "{}\"{}\"", i == 0 ? "" : ",", members[i].name);
  }
  fmt::format_to(it,
                 "],\"seconds\":{:.3f},\"operations\":{},\"not_sent\":{},\"line_errors\":{},\"answered\":{},"
                 "\"rejects\":{},\"reports\":{},\"fills\":{},\"trades\":{},\"volume\":{},\"orders_by_status\":{{",
                 r.seconds, r.operations, r.not_sent, r.line_errors, r.answered, r.rejects, r.reports, r.fills,
                 r.trades.size(), r.volume);
  const char* sep = "";
  for (const auto& [status, n] : r.orders_by_status) {
    fmt::format_to(it, "{}\"{}\":{}", sep, status, n);
    sep = ",";
  }
  fmt::format_to(it, "}},\"rejects_by_reason\":{{");
  sep = "";
  for (const auto& [reason, n] : r.rejects_by_reason) {
    fmt::format_to(it, "{}\"{}\":{}", sep, reason, n);
    sep = ",";
  }
  const auto& l = r.answer_latency;
  fmt::format_to(it,
                 "}},\"answer_latency\":{{\"count\":{},\"p50_ns\":{},\"p90_ns\":{},\"p99_ns\":{},\"p999_ns\":{},"
                 "\"max_ns\":{}}}}}\n",
                 l.count, l.p50.count(), l.p90.count(), l.p99.count(), l.p999.count(), l.max.count());
  return fmt::to_string(out);
}

std::string text_summary(const broker_run_result& r) {
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "minibroker broker: {:.3f} s\n", r.seconds);
  fmt::format_to(it, "  operations sent   {:>12}\n", r.operations);
  if (r.not_sent != 0 || r.line_errors != 0) {
    fmt::format_to(it, "  not sent          {:>12}  (refused while reading, or a symbol the exchange lacks)\n",
                   r.not_sent);
    fmt::format_to(it, "  unreadable lines  {:>12}\n", r.line_errors);
  }
  fmt::format_to(it, "  answered          {:>12}\n", r.answered);
  fmt::format_to(it, "  rejects           {:>12}\n", r.rejects);
  fmt::format_to(it, "  reports           {:>12}\n", r.reports);
  fmt::format_to(it, "  fills             {:>12}\n", r.fills);
  fmt::format_to(it, "  trades            {:>12}\n", r.trades.size());
  fmt::format_to(it, "  volume            {:>12}\n", r.volume);
  fmt::format_to(it, "orders by final status (the brokers' view):\n");
  for (const auto& [status, n] : r.orders_by_status) {
    fmt::format_to(it, "  {:<18}{:>12}\n", status, n);
  }
  if (!r.rejects_by_reason.empty()) {
    fmt::format_to(it, "rejects by reason:\n");
    for (const auto& [reason, n] : r.rejects_by_reason) {
      fmt::format_to(it, "  {:<26}{:>12}\n", reason, n);
    }
  }
  const auto& l = r.answer_latency;
  const auto us = [](duration d) { return static_cast<double>(d.count()) / 1000.0; };
  fmt::format_to(it,
                 "request to answer, us: p50 {:.1f}  p90 {:.1f}  p99 {:.1f}  p99.9 {:.1f}  max {:.1f}  ({} samples)\n",
                 us(l.p50), us(l.p90), us(l.p99), us(l.p999), us(l.max), l.count);
  return fmt::to_string(out);
}

// One line per trade in trade id order, with the keys of replay's trade events but seq and
// aggressor (the report stream carries neither the instrument's sequence nor the aggressor side).
std::string trade_lines(const std::vector<traded>& trades) {
  fmt::memory_buffer out;
  for (const auto& t : trades) {
    fmt::format_to(std::back_inserter(out),
                   "{{\"event\":\"trade\",\"symbol\":\"{}\",\"price\":\"{}\",\"qty\":{},\"buy_institution\":\"{}\","
                   "\"buy_id\":\"{}\",\"sell_institution\":\"{}\",\"sell_id\":\"{}\",\"trade_id\":{}}}\n",
                   t.symbol, t.price, t.qty, t.buy_institution, t.buy_id, t.sell_institution, t.sell_id, t.trade_id);
  }
  return fmt::to_string(out);
}

int usage_error(const std::string& message) {
  std::cerr << "minibroker broker: " << message << "\n";
  return 2;
}

} // namespace

int broker_command(const arguments& args) {
  std::string exchange;
  std::string institution = "inst1";
  std::vector<std::string> tokens;
  std::string orders = "1000";
  std::optional<double> duration;
  std::string instruments_file;
  std::string trades_out;
  double give_up_after = 10;
  broker_run_config config;
  po::options_description described("minibroker broker --exchange ws://HOST:PORT [options]");
  described.add_options()("help,h", "this text")("exchange", po::value(&exchange),
                                                 "ws://HOST:PORT of a running `minibroker exchange` (required)")(
      "institution", po::value(&institution)->default_value(institution), "random flow: the institution to trade for")(
      "token", po::value(&tokens)->composing(),
      "random flow: SECRET, the institution's token; order file: INSTITUTION=SECRET, one for each institution "
      "of the file")("orders", po::value(&orders)->default_value(orders),
                     "N: send N random operations (0: until --duration); FILE: send the order file's operations "
                     "in order (a file named like a number: ./N)")(
      "order-rate", po::value(&config.order_rate)->default_value(config.order_rate),
      "random flow: operations per second")("seed", po::value(&config.seed)->default_value(config.seed),
                                            "random flow: the seed")(
      "duration", po::value<double>()->notifier([&](double d) { duration = d; }),
      "random flow: stop after this many seconds")(
      "instruments", po::value(&instruments_file),
      "order file: CSV `symbol,tick,lot` of its instruments, as for replay (default: tick 0.01, lot 1)")(
      "trades-out", po::value(&trades_out), "write the trades to FILE as JSON lines, by trade id")(
      "give-up-after", po::value(&give_up_after)->default_value(give_up_after),
      "seconds without a connection to the exchange before giving up (exit 1)")("json",
                                                                                "the summary as one JSON object");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(described).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "minibroker broker: " << e.what() << "\n" << described;
    return 2;
  }
  if (vm.count("help") != 0) {
    std::cout << described;
    return 0;
  }
  if (exchange.empty()) {
    return usage_error("--exchange ws://HOST:PORT is required");
  }
  if (!parse_exchange(exchange, config.host, config.port)) {
    return usage_error("--exchange `" + exchange + "` is not ws://HOST:PORT");
  }
  if (!(give_up_after > 0)) {
    return usage_error("--give-up-after must be positive");
  }
  config.give_up_after = std::chrono::milliseconds(static_cast<std::int64_t>(give_up_after * 1000));

  replay::order_file_names names;
  const auto count = as_count(orders);
  if (count) {
    if (!instruments_file.empty()) {
      return usage_error("--instruments goes with an order file (--orders FILE)");
    }
    if (tokens.size() != 1) {
      return usage_error("the random flow needs one --token SECRET for --institution " + institution);
    }
    if (!(config.order_rate > 0)) {
      return usage_error("--order-rate must be positive");
    }
    if (duration && !(*duration > 0)) {
      return usage_error("--duration must be positive");
    }
    if (*count == 0 && !duration) {
      return usage_error("--orders 0 runs until --duration: give one");
    }
    config.members.push_back({institution, tokens.front()});
    config.orders = *count;
    config.duration = duration;
  } else {
    if (duration) {
      return usage_error("--duration goes with the random flow: an order file runs to its end");
    }
    if (vm["institution"].defaulted() == false) {
      return usage_error("--institution goes with the random flow: an order file names its institutions");
    }
    const auto read = [](const std::string& path, std::string& text) {
      std::ifstream in(path, std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      text = std::move(s).str();
      return static_cast<bool>(in);
    };
    replay::order_file_options options;
    if (!instruments_file.empty()) {
      std::string text;
      if (!read(instruments_file, text)) {
        return usage_error("cannot read --instruments `" + instruments_file + "`");
      }
      try {
        replay::load_instruments_csv(text, names.instruments);
      } catch (const std::runtime_error& e) {
        return usage_error("--instruments `" + instruments_file + "`: " + e.what());
      }
      options.add_unknown_symbols = false;
    }
    std::string text;
    if (!read(orders, text)) {
      return usage_error("cannot read --orders `" + orders + "`");
    }
    replay::order_file_reader reader(names, options);
    config.entries = reader.read_all(text);
    if (!config.entries.empty() && config.entries.front().line == 1) {
      return usage_error("--orders `" + orders + "`: the first line is not the order file's header");
    }
    for (const auto& item : tokens) {
      const auto eq = item.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
        return usage_error("--token `" + item +
                           "` is not INSTITUTION=SECRET (an order file needs one per institution)");
      }
    }
    for (std::size_t i = 1; i <= names.institutions.size(); ++i) {
      const std::string name(names.institutions.name(institution_id{static_cast<std::uint32_t>(i)}));
      std::optional<std::string> secret;
      for (const auto& item : tokens) {
        if (item.substr(0, item.find('=')) == name) {
          secret = item.substr(item.find('=') + 1);
        }
      }
      if (!secret) {
        return usage_error("the order file names institution " + name + ": give --token " + name + "=SECRET");
      }
      config.members.push_back({name, *secret});
    }
    if (config.members.empty()) {
      return usage_error("--orders `" + orders + "` has no operations");
    }
    config.names = &names;
  }
  std::ofstream trades_file;
  if (!trades_out.empty()) {
    trades_file.open(trades_out, std::ios::binary);
    if (!trades_file) {
      return usage_error("cannot write --trades-out `" + trades_out + "`");
    }
  }

  const auto members = config.members;
  const broker_run_result result = run_brokers(std::move(config));
  if (trades_file.is_open()) {
    trades_file << trade_lines(result.trades);
    trades_file.flush();
  }
  std::cout << (vm.count("json") != 0 ? json_summary(result, members) : text_summary(result));
  if (result.lost) {
    std::cerr << "minibroker broker: " << *result.lost << "\n";
    return 1;
  }
  return 0;
}

#else

int broker_command(const arguments& /*args*/) {
  std::cerr << "minibroker broker: this build has no WebSocket support (configure with -DMINIBROKER_WITH_WS=ON)\n";
  return 2;
}

#endif

} // namespace minibroker::cli
