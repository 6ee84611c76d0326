#pragma once
// A simulation scenario: what to simulate, how fast, for how long. From command-line flags or a
// JSON file (docs/simulation.md documents every key; examples/scenario.json is an example).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

namespace minibroker {

enum class clock_mode {
  virtual_time, // as fast as the machine allows; time jumps to the next event; deterministic
  real_time,    // rates are per wall-clock second
};

// How the brokers reach the exchange.
enum class transport_mode {
  in_process, // the exchange's own feed and gateways: function calls on one io_context
  ws,         // WebSocket over loopback: an exchange_server on 127.0.0.1, WebSocket feed and gateways
};

struct order_mix {
  double cancel_share = 0.25;     // of operations: cancel one of the institution's open orders
  double replace_share = 0.15;    // of operations: replace one (new price and/or quantity)
  double marketable_share = 0.25; // of new orders: cross the spread (market, IOC, FOK, crossing limit)
  double invalid_share = 0.01;    // of operations: made invalid on purpose (rejected with a reason)
};

struct scenario {
  std::uint64_t seed = 1;
  clock_mode clock = clock_mode::virtual_time;
  transport_mode transport = transport_mode::in_process; // ws: real clock, one thread
  std::size_t instruments = 10;
  double quote_rate = 100.0;      // quotes per second, per instrument
  std::size_t institutions = 2;   // one broker and one orders producer each
  double order_rate = 10'000.0;   // operations per second, per institution
  std::uint64_t orders = 100'000; // stop after this many operations in all (0: no limit)
  std::optional<double> duration; // stop after this many seconds (simulated time)
  std::size_t threads = 1;
  order_mix mix;
  std::size_t queue_capacity = 1 << 16; // every bus queue
  std::size_t retention_rows = 1 << 20; // every timetable
};

// What is wrong with a scenario (a sentence), or nothing.
std::optional<std::string> validate(const scenario& s);

// Reads a scenario from JSON text, starting from `base` (keys absent from the text keep base's
// values). Unknown keys, wrong types and out-of-range values are errors that name the key.
boost::system::result<scenario, std::string> scenario_from_json(std::string_view text, scenario base = {});

std::string_view to_string(clock_mode mode) noexcept;
std::optional<clock_mode> clock_mode_from_string(std::string_view text) noexcept;
std::string_view to_string(transport_mode mode) noexcept;
std::optional<transport_mode> transport_mode_from_string(std::string_view text) noexcept;

} // namespace minibroker
