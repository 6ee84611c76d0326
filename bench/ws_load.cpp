// The WebSocket load bench (issue 5, "Speed"): minibroker exchange's server over loopback.
//
//   quotes  quote messages per second delivered to 1 and to 100 /ws/quotes clients, while the
//           exchange's own producer quotes as fast as --quote-rate asks; each client decodes
//           every message. The same clients then read Node's `ws` package broadcasting the same
//           JSON quotes (bench/ws_node_broadcast.js), in the same run, so the ratio is known.
//   orders  orders per second round trip (new order sent -> its ack on the same /ws/order
//           connection) with --window orders in flight, and the latency percentiles; then with
//           one order in flight, the latency of an unloaded round trip.
//
// The server runs on one thread, the clients on another (the machine has two cores). Each figure
// is the median of --repeat runs; the runs of the two servers alternate.
//
// Usage: minibroker_ws_load [--mode quotes|orders|all] [options]; --help lists them.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <pthread.h>
#include <time.h>

#include "minibroker/exchange/exchange.hpp"
#include "minibroker/sim/schedulers.hpp"
#include "minibroker/ws/exchange_server.hpp"
#include "ws_bench_clients.hpp"
#include "ws_node_server.hpp"

namespace {

using namespace minibroker;
using namespace minibroker::bench;

struct options {
  std::string mode = "all";
  double seconds = 3;
  double warmup = 0.5;
  unsigned repeat = 3;
  std::vector<std::size_t> clients;
  std::size_t instruments = 10;
  double quote_rate = 150'000; // per instrument
  std::size_t window = 256;
  bool one_in_flight = true; // the orders mode also measures one order in flight
  std::string node = "node";
  std::string node_script = MINIBROKER_WS_NODE_SCRIPT;
};

double thread_cpu_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// An exchange and its server on 127.0.0.1, the loop on a thread of its own.
class exchange_under_test {
public:
  exchange_under_test(std::size_t instruments, double quote_rate)
      : ex_(io_, sched_, config(instruments, quote_rate)), server_(io_, ex_, ws::server_config{}) {
    ex_.start();
    server_.start();
    thread_ = std::thread([this] { io_.run(); });
    pthread_getcpuclockid(thread_.native_handle(), &cpu_clock_);
  }
  ~exchange_under_test() {
    server_.stop();
    boost::asio::post(ex_.executor(), [this] {
      ex_.stop();
      sched_.stop();
      guard_.reset();
      io_.stop();
    });
    thread_.join();
  }
  exchange_under_test(const exchange_under_test&) = delete;
  exchange_under_test& operator=(const exchange_under_test&) = delete;

  [[nodiscard]] std::uint16_t port() const { return server_.port(); }
  [[nodiscard]] double cpu_seconds() const { return thread_cpu_seconds(cpu_clock_); }
  [[nodiscard]] std::uint64_t conflated() const { return server_.stats().quotes_conflated; }
  // The instruments, as a client learns them from /ws/instruments (fixed once built).
  [[nodiscard]] ws::instrument_directory directory() const {
    ws::instrument_directory d;
    for (const auto& [id, entry] : ex_.instruments().snapshot()) {
      d.put(entry.value);
    }
    return d;
  }

private:
  static exchange_config config(std::size_t instruments, double quote_rate) {
    exchange_config c;
    c.instruments = instruments;
    c.quotes_per_second = quote_rate;
    c.status_change_probability = 0; // every quote a quote: no halts
    c.institutions = {{institution_id{1}, "alpha", "alpha-secret"}};
    c.log = logger::silent();
    return c;
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{io_.get_executor()};
  real_clock clock_;
  real_scheduler sched_{io_.get_executor(), clock_};
  exchange ex_;
  ws::exchange_server server_;
  std::thread thread_;
  clockid_t cpu_clock_{};
};

struct quotes_run {
  double per_second = 0;  // quotes delivered, all clients together
  double server_cpu = 0;  // the server's CPU seconds per second of the window
  double clients_cpu = 0; // the clients' thread
  std::uint64_t undecodable = 0;
  bool ok = false;
};

// Opens `clients` connections to /ws/quotes, waits --warmup, counts for --seconds.
quotes_run measure_quotes(std::uint16_t port, const ws::instrument_directory& dir, std::size_t clients,
                          const options& o, const std::function<double()>& server_cpu,
                          std::vector<std::string>* capture = nullptr) {
  boost::asio::io_context io;
  std::vector<std::shared_ptr<quote_reader>> readers;
  std::size_t opened = 0;
  bool failed = false;
  boost::asio::steady_timer timer(io);
  quotes_run r;
  std::uint64_t counted = 0;
  double client_cpu0 = 0;
  double server_cpu0 = 0;
  bench_clock::time_point t0;
  const auto total = [&] {
    std::uint64_t n = 0;
    for (const auto& q : readers) {
      n += q->quotes();
    }
    return n;
  };
  const auto stop_all = [&] {
    for (const auto& q : readers) {
      q->stop();
    }
  };
  const auto measure_end = [&](boost::system::error_code) {
    const double elapsed = std::chrono::duration<double>(bench_clock::now() - t0).count();
    r.per_second = static_cast<double>(total() - counted) / elapsed;
    r.clients_cpu = (thread_cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - client_cpu0) / elapsed;
    r.server_cpu = (server_cpu() - server_cpu0) / elapsed;
    for (const auto& q : readers) {
      r.undecodable += q->undecodable();
    }
    r.ok = true;
    stop_all();
  };
  const auto measure_start = [&](boost::system::error_code) {
    counted = total();
    client_cpu0 = thread_cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
    server_cpu0 = server_cpu();
    t0 = bench_clock::now();
    timer.expires_after(std::chrono::duration_cast<bench_clock::duration>(std::chrono::duration<double>(o.seconds)));
    timer.async_wait(measure_end);
  };
  for (std::size_t i = 0; i < clients; ++i) {
    readers.push_back(std::make_shared<quote_reader>(io, dir, i == 0 ? capture : nullptr, 4096));
    readers.back()->start(port, "/ws/quotes", [&](bool ok) {
      failed = failed || !ok;
      if (++opened < clients) {
        return;
      }
      if (failed) {
        stop_all();
        return;
      }
      timer.expires_after(std::chrono::duration_cast<bench_clock::duration>(std::chrono::duration<double>(o.warmup)));
      timer.async_wait(measure_start);
    });
  }
  io.run();
  return r;
}

struct orders_run {
  double per_second = 0;
  double p50_us = 0, p99_us = 0, p999_us = 0, max_us = 0;
  std::uint64_t rejected = 0;
  std::uint64_t undecodable = 0;
  double server_cpu = 0;
  double clients_cpu = 0;
  bool ok = false;
};

double percentile_us(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) {
    return 0;
  }
  const auto i = std::min(sorted.size() - 1, static_cast<std::size_t>(p * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[i]) / 1000.0;
}

// One /ws/order connection with `window` orders in flight: warm up, then count for --seconds.
orders_run measure_orders(exchange_under_test& server, const ws::instrument_directory& dir, std::size_t window,
                          std::uint64_t& next_id, const options& o) {
  boost::asio::io_context io;
  const instrument& traded = dir.all().front();
  auto client = std::make_shared<order_client>(io, dir, traded, next_id, window);
  boost::asio::steady_timer timer(io);
  orders_run r;
  std::uint64_t answered0 = 0;
  double client_cpu0 = 0;
  double server_cpu0 = 0;
  bench_clock::time_point t0;
  const auto measure_end = [&](boost::system::error_code) {
    const double elapsed = std::chrono::duration<double>(bench_clock::now() - t0).count();
    r.per_second = static_cast<double>(client->answered() - answered0) / elapsed;
    r.clients_cpu = (thread_cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - client_cpu0) / elapsed;
    r.server_cpu = (server.cpu_seconds() - server_cpu0) / elapsed;
    auto lat = client->take_latencies();
    std::sort(lat.begin(), lat.end());
    r.p50_us = percentile_us(lat, 0.5);
    r.p99_us = percentile_us(lat, 0.99);
    r.p999_us = percentile_us(lat, 0.999);
    r.max_us = lat.empty() ? 0 : static_cast<double>(lat.back()) / 1000.0;
    r.rejected = client->rejected();
    r.undecodable = client->undecodable();
    r.ok = true;
    client->stop();
  };
  const auto measure_start = [&](boost::system::error_code) {
    client->take_latencies();
    answered0 = client->answered();
    client_cpu0 = thread_cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
    server_cpu0 = server.cpu_seconds();
    t0 = bench_clock::now();
    timer.expires_after(std::chrono::duration_cast<bench_clock::duration>(std::chrono::duration<double>(o.seconds)));
    timer.async_wait(measure_end);
  };
  client->start(server.port(), "alpha-secret", [&](bool ok) {
    if (!ok) {
      client->stop();
      return;
    }
    timer.expires_after(std::chrono::duration_cast<bench_clock::duration>(std::chrono::duration<double>(o.warmup)));
    timer.async_wait(measure_start);
  });
  io.run();
  next_id += 100'000'000; // far past anything one run sends: ids are unique for the exchange's life
  return r;
}

void bench_quotes(const options& o) {
  std::vector<std::string> sample; // the first quotes our server sent: what Node broadcasts
  node_server node;
  std::string messages_file;
  enum class node_state {
    not_started,
    up,
    unavailable
  } state = o.node.empty() ? node_state::unavailable : node_state::not_started;
  const auto start_node = [&](const ws::instrument_directory&) {
    if (state == node_state::not_started) {
      messages_file = fmt::format("/tmp/minibroker_ws_load_{}.jsonl", ::getpid());
      std::ofstream out(messages_file);
      for (const auto& m : sample) {
        out << m << '\n';
      }
      out.close();
      state = node.start(o.node, o.node_script, messages_file) ? node_state::up : node_state::unavailable;
      if (state == node_state::unavailable) {
        fmt::print("node-ws: no comparison: {}\n", node.error());
      }
    }
    return state == node_state::up;
  };
  fmt::print("quotes: {} instruments quoting {:.0f}/s each ({:.2f} M/s offered), {:.1f} s windows, {} runs\n",
             o.instruments, o.quote_rate, o.quote_rate * static_cast<double>(o.instruments) / 1e6, o.seconds, o.repeat);
  fmt::print("{:>8} {:>8} {:>4} {:>14} {:>11} {:>12} {:>12}\n", "server", "clients", "run", "quotes/s", "conflated",
             "server cpu", "client cpu");
  for (const auto clients : o.clients) {
    std::vector<double> ours;
    std::vector<double> theirs;
    for (unsigned run = 0; run < o.repeat; ++run) {
      ws::instrument_directory dir;
      {
        exchange_under_test server(o.instruments, o.quote_rate);
        dir = server.directory();
        const auto c0 = server.conflated();
        const auto r = measure_quotes(
            server.port(), dir, clients, o, [&] { return server.cpu_seconds(); }, sample.empty() ? &sample : nullptr);
        if (!r.ok || r.undecodable != 0) {
          fmt::print("ours: the run failed (connections refused or undecodable messages)\n");
          std::exit(1);
        }
        ours.push_back(r.per_second);
        fmt::print("{:>8} {:>8} {:>4} {:>14.0f} {:>11} {:>11.0f}% {:>11.0f}%\n", "ours", clients, run + 1, r.per_second,
                   server.conflated() - c0, r.server_cpu * 100, r.clients_cpu * 100);
      } // our server (and its producer) stops before Node's runs
      if (!start_node(dir)) {
        continue;
      }
      const auto n = measure_quotes(node.port(), dir, clients, o, [&] { return node.cpu_seconds(); });
      if (!n.ok || n.undecodable != 0) {
        fmt::print("node-ws: the run failed (connections refused or undecodable messages)\n");
        std::exit(1);
      }
      theirs.push_back(n.per_second);
      fmt::print("{:>8} {:>8} {:>4} {:>14.0f} {:>11} {:>11.0f}% {:>11.0f}%\n", "node-ws", clients, run + 1,
                 n.per_second, "-", n.server_cpu * 100, n.clients_cpu * 100);
    }
    fmt::print("median, {} client(s): ours {:.0f} quotes/s", clients, median(ours));
    if (!theirs.empty()) {
      fmt::print(", node-ws {:.0f} quotes/s, ratio {:.2f}", median(theirs), median(ours) / median(theirs));
    }
    fmt::print("\n\n");
  }
  if (!messages_file.empty()) {
    std::remove(messages_file.c_str());
  }
}

void bench_orders(const options& o) {
  fmt::print("orders: one /ws/order connection, new orders alternating buy and sell at one price (every sell "
             "trades), {:.1f} s windows, {} runs\n",
             o.seconds, o.repeat);
  fmt::print("{:>8} {:>4} {:>12} {:>10} {:>10} {:>10} {:>10} {:>11} {:>11}\n", "window", "run", "orders/s", "p50 us",
             "p99 us", "p99.9 us", "max us", "server cpu", "client cpu");
  exchange_under_test server(o.instruments, 0);
  const auto dir = server.directory();
  std::uint64_t next_id = 1;
  std::vector<std::size_t> windows{o.window};
  if (o.one_in_flight && o.window != 1) {
    windows.push_back(1);
  }
  for (const auto window : windows) {
    std::vector<double> rate, p50, p99, p999, max;
    for (unsigned run = 0; run < o.repeat; ++run) {
      const auto r = measure_orders(server, dir, window, next_id, o);
      if (!r.ok || r.rejected != 0 || r.undecodable != 0) {
        fmt::print("orders: the run failed ({} rejects, {} undecodable)\n", r.rejected, r.undecodable);
        std::exit(1);
      }
      fmt::print("{:>8} {:>4} {:>12.0f} {:>10.1f} {:>10.1f} {:>10.1f} {:>10.1f} {:>10.0f}% {:>10.0f}%\n", window,
                 run + 1, r.per_second, r.p50_us, r.p99_us, r.p999_us, r.max_us, r.server_cpu * 100,
                 r.clients_cpu * 100);
      rate.push_back(r.per_second);
      p50.push_back(r.p50_us);
      p99.push_back(r.p99_us);
      p999.push_back(r.p999_us);
      max.push_back(r.max_us);
    }
    fmt::print("median, window {}: {:.0f} orders/s, p50 {:.1f} us, p99 {:.1f} us, p99.9 {:.1f} us, max {:.1f} us\n\n",
               window, median(rate), median(p50), median(p99), median(p999), median(max));
  }
}

} // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  options o;
  po::options_description described("minibroker_ws_load [options]");
  described.add_options()("help,h", "this text")("mode", po::value(&o.mode)->default_value(o.mode),
                                                 "quotes, orders or all")(
      "seconds", po::value(&o.seconds)->default_value(o.seconds),
      "measured seconds per run")("warmup", po::value(&o.warmup)->default_value(o.warmup), "seconds before measuring")(
      "repeat", po::value(&o.repeat)->default_value(o.repeat), "runs per figure (the median is reported)")(
      "clients", po::value(&o.clients)->composing(), "quote clients per run (repeat; default 1 and 100)")(
      "instruments", po::value(&o.instruments)->default_value(o.instruments), "instruments quoting")(
      "quote-rate", po::value(&o.quote_rate)->default_value(o.quote_rate), "quotes per second per instrument")(
      "window", po::value(&o.window)->default_value(o.window), "orders in flight on the order connection")(
      "one-in-flight", po::value(&o.one_in_flight)->default_value(o.one_in_flight),
      "then also one order in flight (true or false)")("node", po::value(&o.node)->default_value(o.node),
                                                       "the Node.js program (empty: no comparison)")(
      "node-script", po::value(&o.node_script)->default_value(o.node_script), "bench/ws_node_broadcast.js");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, described), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "minibroker_ws_load: " << e.what() << "\n" << described;
    return 2;
  }
  if (vm.count("help") != 0) {
    std::cout << described;
    return 0;
  }
  if (o.clients.empty()) {
    o.clients = {1, 100};
  }
  if (o.mode == "quotes" || o.mode == "all") {
    bench_quotes(o);
  }
  if (o.mode == "orders" || o.mode == "all") {
    bench_orders(o);
  }
  return 0;
}
