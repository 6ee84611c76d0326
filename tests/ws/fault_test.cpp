#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "minibroker/broker/broker.hpp"
#include "minibroker/core/random.hpp"
#include "minibroker/exchange/exchange.hpp"
#include "minibroker/replay/order_file.hpp"
#include "minibroker/replay/order_generator.hpp"
#include "minibroker/sim/schedulers.hpp"
#include "minibroker/sim/simulation_checks.hpp"
#include "minibroker/ws/exchange_server.hpp"
#include "minibroker/ws/ws_market_data_feed.hpp"
#include "minibroker/ws/ws_order_gateway.hpp"
#include "tcp_proxy.hpp"

using namespace minibroker;
using namespace minibroker::ws;
using namespace minibroker::ws::testing;

namespace {

// 100,000 operations in an optimised build (about 60 s on the shared 2-core machine, most of it
// the loopback round trips). Under a sanitizer (the asan preset builds at -O1 and checks every
// access, several times slower) it sends a fifth of them so that the test stays within CI's
// time: the faults, the checks and the code paths are the same.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::size_t operations = 20'000;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr std::size_t operations = 20'000;
#else
constexpr std::size_t operations = 100'000;
#endif
#else
constexpr std::size_t operations = 100'000;
#endif

const institution_id alpha{1};
constexpr std::size_t symbols = 3;
constexpr std::size_t big_queue = std::size_t{1} << 18; // more than every request and report of the run

exchange_config exchange_setup() {
  exchange_config c;
  c.seed = 5;
  c.instruments = symbols;
  c.quotes_per_second = 0;
  c.status_change_probability = 0;
  c.institutions = {{alpha, "alpha", "secret-a"}};
  // The flow is paced, but a queue_full reject would be a difference from the reference that no
  // fault caused: the queues are made big enough never to refuse.
  c.order_created_queue.capacity = big_queue;
  c.order_processor_queue.capacity = big_queue;
  c.timetable.max_rows = std::nullopt; // every trade, for the comparison
  c.log = logger::silent();
  return c;
}

// `minibroker gen-orders --institutions 1`: one institution, so that one connection carries the
// whole sequence in its order and the exchange sees it in file order, as the reference does.
// Quantities are scaled to the instrument's lot (both runs get the same requests).
std::vector<order_request> generated_requests(const exchange& ex) {
  replay::generator_config g;
  g.seed = 2026;
  g.count = operations;
  g.symbols = symbols;
  g.institutions = 1;
  g.resting = 500;
  std::string text;
  replay::generate_orders(g, [&](std::string_view line) {
    text += line;
    text += '\n';
  });
  replay::order_file_names names;
  replay::order_file_reader reader(names);
  std::vector<order_request> out;
  for (const auto& entry : reader.read_all(text)) {
    const auto* op = std::get_if<replay::order_operation>(&entry.content);
    REQUIRE(op != nullptr);
    REQUIRE(entry.edge_reject == reject_reason::none);
    std::visit(
        [&](auto r) {
          r.institution = alpha;
          const auto lot = ex.instruments().find(r.instrument)->value.lot_size;
          using T = decltype(r);
          if constexpr (std::is_same_v<T, new_order_request>) {
            r.qty = quantity{r.qty.value() * lot.value()};
          } else if constexpr (std::is_same_v<T, replace_request>) {
            if (r.new_open_qty) {
              r.new_open_qty = quantity{r.new_open_qty->value() * lot.value()};
            }
          }
          out.emplace_back(r);
        },
        *op);
  }
  REQUIRE(out.size() == operations);
  return out;
}

struct order_state {
  order_status status;
  quantity cum;
  quantity open;
  friend bool operator==(const order_state&, const order_state&) = default;
};

std::map<std::uint64_t, order_state> states(const orders_storage& orders) {
  std::map<std::uint64_t, order_state> out;
  for (const auto& o : orders) {
    out[o.client_id.value()] = {o.status, o.cum_qty, o.open_qty};
  }
  return out;
}

// Every trade: instrument, its number there, buyer and seller by client order id, price, quantity.
std::vector<std::string> trades(const exchange& ex) {
  std::vector<std::string> out;
  for (const auto& e : ex.trades_timetable().all()) {
    const trade& t = e.row;
    out.push_back(
        fmt::format("{}#{} {}<-{} {}x{}", t.instrument, t.sequence, t.buy.client_id, t.sell.client_id, t.qty, t.px));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The reference: the same requests through an in-process exchange, on a virtual clock.
struct reference_run {
  explicit reference_run(const std::vector<order_request>& requests) : ex(io, sched, exchange_setup()) {
    ex.start();
    auto gateway = ex.connect(alpha);
    struct ignore final : report_listener {
      void on_report(const traced_report&) override {}
    } none;
    gateway->set_listener(none, io.get_executor());
    for (const auto& r : requests) {
      gateway->send({r, order_trace{}});
    }
    sched.run();
    ex.stop();
  }
  boost::asio::io_context io;
  virtual_clock clock;
  virtual_scheduler sched{io, clock};
  exchange ex;
};

// Counts the reports the broker publishes for its frontends.
struct report_counter {
  std::uint64_t seen = 0;
};

std::string describe_diff(const std::map<std::uint64_t, order_state>& a,
                          const std::map<std::uint64_t, order_state>& b) {
  std::vector<std::string> lines;
  for (const auto& [id, s] : a) {
    const auto it = b.find(id);
    if (it == b.end()) {
      lines.push_back(fmt::format("{} only on the left", id));
    } else if (!(it->second == s)) {
      lines.push_back(fmt::format("{}: {} {}/{} vs {} {}/{}", id, s.status, s.cum, s.open, it->second.status,
                                  it->second.cum, it->second.open));
    }
    if (lines.size() >= 5) {
      break;
    }
  }
  return fmt::format("{} orders vs {}; {}", a.size(), b.size(), fmt::join(lines, " | "));
}

} // namespace

TEST_CASE("ws faults: connections cut at random moments lose no order and execute none twice", "[ws][faults]") {
  const auto started = std::chrono::steady_clock::now();
  boost::asio::io_context io;
  real_clock clock;
  real_scheduler sched(io.get_executor(), clock);
  exchange ex(io, sched, exchange_setup());
  exchange_server server(io, ex, server_config{});
  ex.start();
  server.start();
  tcp_proxy proxy(io, server.port());

  const auto requests = generated_requests(ex);
  const reference_run reference(requests);

  client_config to_proxy;
  to_proxy.port = proxy.port();
  to_proxy.reconnect_min = std::chrono::milliseconds(1);
  to_proxy.reconnect_max = std::chrono::milliseconds(50);
  ws_market_data_feed feed(io.get_executor(), to_proxy);
  ws_order_gateway gateway(io.get_executor(), to_proxy, alpha, "alpha", "secret-a");
  broker_config bc;
  bc.institution = alpha;
  bc.name = "alpha";
  bc.order_queue.capacity = big_queue;
  bc.log = logger::silent();
  std::vector<std::unique_ptr<broker>> brokers;
  brokers.push_back(std::make_unique<broker>(io, clock, feed, gateway, bc));
  broker& b = *brokers.front();
  report_counter counted;
  auto report_queue = b.declare_report_queue("FAULT_TEST_REPORTS", bus::queue_options{.capacity = big_queue});
  REQUIRE(report_queue.has_value());
  REQUIRE(b.bus()
              .subscribe(*report_queue, b.executor(), [&](bus::message<traced_report>&) { ++counted.seen; })
              .has_value());
  b.start();

  // A watchdog, not a synchronisation: a run that stops making progress fails instead of hanging.
  std::size_t submitted = 0;
  const auto run_until = [&](auto done, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) {
        return false;
      }
      io.run_one_for(std::chrono::milliseconds(100));
    }
    return true;
  };
  REQUIRE(run_until([&] { return b.instruments().size() == symbols; }, std::chrono::seconds(30)));

  // The cuts: at seeded random points of the sequence, by turns the server closing every
  // connection, the proxy resetting them at once, and the proxy resetting them after a random
  // number of bytes more (mid-frame, as often as not).
  random_source rng(99);
  constexpr std::size_t cut_count = 9;
  std::vector<std::size_t> cut_at;
  for (std::size_t k = 0; k < cut_count; ++k) {
    cut_at.push_back(operations / 20 + static_cast<std::size_t>(rng.below(operations * 9 / 10)));
  }
  std::sort(cut_at.begin(), cut_at.end());
  std::size_t next_cut = 0;
  std::uint64_t server_cuts = 0;
  const auto cut = [&](std::size_t k) {
    switch (k % 3) {
    case 0:
      server.disconnect_all();
      ++server_cuts;
      break;
    case 1: proxy.cut_all(); break;
    default: proxy.cut_after(1 + rng.below(64 * 1024)); break;
    }
  };

  // The flow, paced: at most `window` requests ahead of the reports.
  constexpr std::uint64_t window = 2'000;
  const auto submit_some = [&] {
    while (submitted < requests.size() && submitted < counted.seen + window) {
      if (next_cut < cut_at.size() && submitted >= cut_at[next_cut]) {
        cut(next_cut++);
      }
      b.handler().submit(requests[submitted++], order_trace{});
    }
  };
  const auto all_answered = [&] {
    if (submitted < requests.size()) {
      return false;
    }
    const auto gs = gateway.stats();
    if (gs.unanswered != 0 || gs.last_seq != server.stats().reports || counted.seen != gs.reports) {
      return false;
    }
    const auto bs = b.stats();
    return bs.exchange.sent() == bs.requests.accepted;
  };
  const bool finished = run_until(
      [&] {
        submit_some();
        return all_answered();
      },
      std::chrono::seconds(240));
  while (io.poll() != 0) {
  }
  const auto gs = gateway.stats();
  const auto ps = proxy.stats();
  const auto ss = server.stats();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string figures = fmt::format(
      "{} operations in {:.1f} s; cuts: {} by the server, {} by the proxy ({} connections reset); "
      "gateway: {} connects, {} disconnects, {} requests resent, {} duplicate reports dropped; server: {} resends "
      "answered, {} reports, {} slow-consumer closes; {} trades",
      submitted, seconds, server_cuts, ps.cuts, ps.dropped, gs.connects, gs.disconnects, gs.resent,
      gs.duplicates_dropped, ss.resends, ss.reports,
      ss.at(ss.slow_consumer_closes, endpoint::order) + ss.at(ss.slow_consumer_closes, endpoint::order_update),
      ex.stats().trades);
  INFO(figures);
  fmt::print("{}\n", figures);
  REQUIRE(finished);
  CHECK(next_cut == cut_count);
  CHECK(ps.dropped > 0);
  CHECK(gs.resent > 0); // the cuts caught requests in flight, or the test tests little
  CHECK(gs.bad_messages == 0);

  // The broker's and the exchange's order stores are identical, and equal to the reference's.
  const auto at_exchange = states(ex.orders());
  const auto at_broker = states(b.orders());
  const auto expected = states(reference.ex.orders());
  INFO(describe_diff(at_broker, at_exchange));
  CHECK(at_broker == at_exchange);
  INFO(describe_diff(at_exchange, expected));
  CHECK(at_exchange == expected);
  CHECK(trades(ex) == trades(reference.ex));

  // The safety net's invariants (issue 6): views, bought = sold, final or resting, counters.
  const auto failures = check_simulation(ex, brokers);
  INFO(fmt::format("{}", fmt::join(failures, "\n")));
  CHECK(failures.empty());

  b.stop();
  server.stop();
  proxy.stop();
  ex.stop();
  sched.stop();
  while (io.poll() != 0) {
  }
}
