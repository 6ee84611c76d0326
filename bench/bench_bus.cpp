// Bus benchmarks: publish-to-delivery through the in-memory bus (publish a batch, then drain it by
// running the io_context), for one queue and for four queues behind "*" and "#" patterns among
// 10 or 10,000 bindings; the routing trie alone (cache off); the pure matcher; one message per
// drain, as a pipeline hop is, for both threadings (in_memory_bus_config::single_threaded). Inputs
// are built outside the timed loops; no I/O. Everything runs on one thread with a virtual clock.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "minibroker/bus/continuation.hpp"
#include "minibroker/bus/in_memory_bus.hpp"
#include "minibroker/core/records.hpp"

using namespace minibroker;

namespace {

constexpr int batch = 1024; // messages published before each drain

quote make_quote(int i) {
  quote q;
  q.instrument = instrument_id{static_cast<std::uint32_t>(i % 100)};
  q.bid = price{10000 + i % 50};
  q.ask = q.bid + price{1};
  q.last = q.bid;
  q.bid_size = quantity{100};
  q.ask_size = quantity{200};
  q.sequence = static_cast<sequence_number>(i + 1);
  return q;
}

struct bench_bus {
  explicit bench_bus(std::size_t cache_size = 4096, bool single_threaded = false)
      : bus_(clock_, bus::in_memory_bus_config{logger::silent(), 256, cache_size, single_threaded}) {
    topic_ = *bus_.declare_topic("MARKET_DATA_TOPIC");
  }
  bus::queue_ref<quote> consumed_queue(const std::string& name) {
    auto q = *bus_.declare_queue<quote>(name, {.capacity = batch});
    (void)bus_.subscribe(q, io_.get_executor(), [this](bus::message<quote>& m) {
      handled_ += 1;
      benchmark::DoNotOptimize(m.payload.bid);
    });
    return q;
  }
  // Bindings that match nothing published here: half literal, half with wildcards.
  void add_noise(std::size_t n) {
    auto sink = *bus_.declare_queue<quote>("NOISE_QUEUE", {.capacity = 1});
    for (std::size_t i = 0; i < n; ++i) {
      const std::string key = i % 2 == 0 ? "other" + std::to_string(i) + ".*" : "#.other" + std::to_string(i);
      (void)bus_.bind(sink, topic_, key);
    }
  }
  void publish_and_drain(benchmark::State& state, const char* routing_key) {
    const quote q = make_quote(7);
    for (auto _ : state) {
      for (int i = 0; i < batch; ++i) {
        benchmark::DoNotOptimize(bus_.publish(topic_, routing_key, q));
      }
      io_.restart();
      io_.run();
    }
    state.SetItemsProcessed(state.iterations() * batch);
    state.counters["deliveries_per_message"] =
        static_cast<double>(handled_) / static_cast<double>(state.iterations() * batch);
  }

  boost::asio::io_context io_; // outlives the bus, which keeps its executors
  virtual_clock clock_;
  bus::in_memory_bus bus_;
  bus::topic_ref topic_;
  std::uint64_t handled_ = 0;
};

// One queue, one exact binding: the publish-and-drain floor.
void BM_bus_publish_drain_1queue(benchmark::State& state) {
  bench_bus b;
  auto q = b.consumed_queue("QUOTES_QUEUE");
  (void)b.bus_.bind(q, b.topic_, "quote.updated");
  b.publish_and_drain(state, "quote.updated");
}
BENCHMARK(BM_bus_publish_drain_1queue);

// Four queues reached through "*" and "#" patterns, among range(0) bindings in all.
void four_queues(bench_bus& b, std::size_t bindings) {
  const char* patterns[] = {"quote.*", "#.updated", "*.*", "quote.#"};
  int n = 0;
  for (const char* pattern : patterns) {
    auto q = b.consumed_queue("QUEUE_" + std::to_string(n++));
    (void)b.bus_.bind(q, b.topic_, pattern);
  }
  b.add_noise(bindings - 4);
}

void BM_bus_publish_drain_4queues(benchmark::State& state) {
  bench_bus b;
  four_queues(b, static_cast<std::size_t>(state.range(0)));
  b.publish_and_drain(state, "quote.updated");
}
BENCHMARK(BM_bus_publish_drain_4queues)->Arg(10)->Arg(10000);

// The same with the route cache off: every publish walks the trie.
void BM_bus_publish_drain_4queues_uncached(benchmark::State& state) {
  bench_bus b{0};
  four_queues(b, static_cast<std::size_t>(state.range(0)));
  b.publish_and_drain(state, "quote.updated");
}
BENCHMARK(BM_bus_publish_drain_4queues_uncached)->Arg(10)->Arg(10000);

// One message per hop, as the pipeline's order flow carries them at saturation: published from
// inside a drain on the consumer's executor, so its drain runs as that drain's continuation
// (bus::drain_scope), with no executor operation. range(0): 1 for a single_threaded bus.
void BM_bus_hop_as_continuation(benchmark::State& state) {
  bench_bus b{4096, state.range(0) == 1};
  auto q = b.consumed_queue("QUOTES_QUEUE");
  (void)b.bus_.bind(q, b.topic_, "quote.updated");
  const quote q7 = make_quote(7);
  const bus::scope_executor executor(b.io_.get_executor());
  for (auto _ : state) {
    bus::drain_scope scope(executor);
    benchmark::DoNotOptimize(b.bus_.publish(b.topic_, "quote.updated", q7));
    scope.run_continuations();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["deliveries_per_message"] = static_cast<double>(b.handled_) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_bus_hop_as_continuation)->Arg(0)->Arg(1);

void BM_bus_topic_matches(benchmark::State& state) {
  const std::string binding = "quote.#.updated";
  const std::string routing = "quote.ACME.level1.updated";
  for (auto _ : state) {
    benchmark::DoNotOptimize(bus::topic_matches(binding, routing));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_bus_topic_matches);

} // namespace

BENCHMARK_MAIN();
