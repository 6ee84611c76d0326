// minibroker exchange: the exchange alone, behind its WebSocket server (docs/protocol.md). Runs
// until SIGINT or SIGTERM (or --duration); the first line on standard output is
// `listening on HOST:PORT`, with the port the OS chose when --listen asked for port 0.
#include <algorithm>
#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"

#ifdef MINIBROKER_HAVE_WS
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/program_options.hpp>

#include "minibroker/exchange/exchange.hpp"
#include "minibroker/replay/csv_line.hpp"
#include "minibroker/replay/instrument_catalog.hpp"
#include "minibroker/sim/schedulers.hpp"
#include "minibroker/ws/exchange_server.hpp"
#endif

namespace minibroker::cli {

#ifdef MINIBROKER_HAVE_WS
namespace {

bool parse_listen(const std::string& text, ws::server_config& config) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return false;
  }
  unsigned port = 0;
  const char* first = text.data() + colon + 1;
  const char* last = text.data() + text.size();
  const auto r = std::from_chars(first, last, port);
  if (r.ec != std::errc{} || r.ptr != last || first == last || port > 65535) {
    return false;
  }
  config.address = text.substr(0, colon);
  config.port = static_cast<std::uint16_t>(port);
  return true;
}

// "alpha=secret" -> a member named alpha with that token; ids 1, 2, ... in order.
bool parse_tokens(const std::vector<std::string>& items, exchange_config& config, std::string& error) {
  std::uint32_t id = 0;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      error = "--token `" + item + "` is not INSTITUTION=SECRET";
      return false;
    }
    const auto name = item.substr(0, eq);
    for (const auto& existing : config.institutions) {
      if (existing.name == name) {
        error = "--token names " + name + " twice";
        return false;
      }
    }
    config.institutions.push_back({institution_id{++id}, name, item.substr(eq + 1)});
  }
  return true;
}

// The instruments to list instead of random ones: an instruments file (`symbol,tick,lot`, as
// replay reads it) and/or symbols with replay's defaults (tick 0.01, lot 1).
bool listed_instruments(const std::string& file, const std::string& symbols, exchange_config& config,
                        std::string& error) {
  replay::instrument_catalog catalog;
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      error = "cannot read --instruments-file `" + file + "`";
      return false;
    }
    try {
      replay::load_instruments_csv(text.str(), catalog);
    } catch (const std::runtime_error& e) {
      error = "--instruments-file `" + file + "`: " + e.what();
      return false;
    }
  }
  std::size_t start = 0;
  while (!symbols.empty() && start <= symbols.size()) {
    const auto comma = std::min(symbols.find(',', start), symbols.size());
    const std::string symbol = symbols.substr(start, comma - start);
    if (!replay::is_valid_name(symbol)) {
      error = "--symbols: `" + symbol + "` is not a symbol (1 to 64 of A-Z a-z 0-9 . _ - : /)";
      return false;
    }
    instrument spec;
    spec.symbol = symbol;
    (void)catalog.add(spec);
    start = comma + 1;
  }
  for (const auto& i : catalog.all()) {
    config.listed.push_back(i);
  }
  return true;
}

} // namespace

int exchange_command(const arguments& args) {
  namespace po = boost::program_options;
  exchange_config config;
  config.log = logger::silent();
  ws::server_config server_config;
  std::string listen = "127.0.0.1:0";
  std::vector<std::string> tokens;
  unsigned idle_ms = 30'000;
  unsigned duration_s = 0;
  std::string symbols;
  std::string instruments_file;
  po::options_description described("minibroker exchange [options]");
  described.add_options()("help,h", "this text")("listen", po::value(&listen)->default_value(listen),
                                                 "HOST:PORT to listen on (port 0: any free port)")(
      "instruments", po::value(&config.instruments)->default_value(config.instruments), "instruments to list")(
      "symbols", po::value(&symbols), "A,B,...: list these symbols instead (tick 0.01, lot 1: replay's defaults)")(
      "instruments-file", po::value(&instruments_file),
      "list the instruments of a CSV `symbol,tick,lot` instead (replay's --instruments file)")(
      "quote-rate", po::value(&config.quotes_per_second)->default_value(10, "10"),
      "quotes per second per instrument (0: only the opening quotes)")(
      "seed", po::value(&config.seed)->default_value(config.seed), "random seed of the instruments and quotes")(
      "halt-probability", po::value(&config.status_change_probability)->default_value(0.0005, "0.0005"),
      "chance per quote that an instrument halts for a while")(
      "token", po::value(&tokens)->composing(),
      "INSTITUTION=SECRET: a member and its bearer token (repeat for each; ids 1, 2, ... in order)")(
      "allowed-origin", po::value(&server_config.allowed_origins)->composing(),
      "an Origin browsers may connect from (repeat; none: any)")(
      "max-message-size", po::value(&server_config.max_message_size)->default_value(server_config.max_message_size),
      "largest inbound message, bytes")(
      "max-connections", po::value(&server_config.max_connections)->default_value(server_config.max_connections),
      "open WebSocket connections at most")(
      "max-queued", po::value(&server_config.max_queued_messages)->default_value(server_config.max_queued_messages),
      "messages waiting per connection before it counts as slow")(
      "idle-timeout-ms", po::value(&idle_ms)->default_value(idle_ms), "close a connection silent for this long")(
      "duration", po::value(&duration_s)->default_value(0), "seconds to run (0: until SIGINT or SIGTERM)");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(described).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "minibroker exchange: " << e.what() << "\n" << described;
    return 2;
  }
  if (vm.count("help") != 0) {
    std::cout << described;
    return 0;
  }
  if (!parse_listen(listen, server_config)) {
    std::cerr << "minibroker exchange: --listen `" << listen << "` is not HOST:PORT\n";
    return 2;
  }
  std::string error;
  if (!parse_tokens(tokens, config, error)) {
    std::cerr << "minibroker exchange: " << error << "\n";
    return 2;
  }
  if (!listed_instruments(instruments_file, symbols, config, error)) {
    std::cerr << "minibroker exchange: " << error << "\n";
    return 2;
  }
  server_config.idle_timeout = std::chrono::milliseconds(idle_ms);

  boost::asio::io_context io;
  real_clock clock;
  real_scheduler sched(io.get_executor(), clock);
  exchange ex(io, sched, config);
  ws::exchange_server server(io, ex, server_config);
  ex.start();
  server.start();

  auto shut_down = [&] {
    server.stop();
    boost::asio::post(ex.executor(), [&] {
      ex.stop();
      sched.stop();
      io.stop();
    });
  };
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int /*signal*/) {
    if (!ec) {
      shut_down();
    }
  });
  // Only now, with SIGTERM handled: whoever reads this line may stop the exchange at once (a
  // test's kill arriving before the handler exists ended the process with status 143).
  std::cout << "listening on " << server.address() << ':' << server.port() << std::endl;
  boost::asio::steady_timer deadline(io);
  if (duration_s > 0) {
    deadline.expires_after(std::chrono::seconds(duration_s));
    deadline.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) {
        shut_down();
      }
    });
  }
  io.run();
  const auto s = ex.stats();
  std::cerr << "minibroker exchange: " << s.requests_received << " requests, " << s.trades << " trades, "
            << server.stats().connections_accepted[0] + server.stats().connections_accepted[1] +
                   server.stats().connections_accepted[2] + server.stats().connections_accepted[3]
            << " connections\n";
  return 0;
}

#else

int exchange_command(const arguments& /*args*/) {
  std::cerr << "minibroker exchange: this build has no WebSocket support (configure with -DMINIBROKER_WITH_WS=ON)\n";
  return 2;
}

#endif

} // namespace minibroker::cli
