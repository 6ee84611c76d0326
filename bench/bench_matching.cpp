// Matching engine microbenchmarks. Inputs are built outside the timed loop; every event goes
// through one virtual call to a counting listener, as a real consumer would see it.
//
//   BM_matching_add/N        a limit order that does not cross, into a book of N resting orders
//   BM_matching_add_match/N  an IOC order that trades against one resting order at the best level
//   BM_matching_sweep/N/F    an IOC order that takes the F orders of the best level, then the F
//                            limit orders that restore that level (timed together)
//   BM_matching_cancel/N     cancel of a random resting order
//   BM_matching_replace/N    replace of a random resting order (new price or new quantity)
//   BM_matching_mixed/N/M    the replay mix: 40% new (a tenth marketable), 40% cancel, 20% replace;
//                            M=1: the listener takes all market data, M=0: trades only (no
//                            top of book, no depth, as `minibroker replay --quiet`)
//   BM_matching_mixed_latency/N/M  the same mix, each operation timed: p50/p99/p999/max counters

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <variant>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/unordered/unordered_flat_map.hpp>

#include "minibroker/core/clock.hpp"
#include "minibroker/core/random.hpp"
#include "minibroker/matching/order_matcher.hpp"

using namespace minibroker;

namespace {

constexpr instrument_id the_instrument{1};
constexpr std::int64_t mid = 100'000;
constexpr std::uint32_t institutions = 8;

class counting_listener final : public order_listener, public market_data_listener {
public:
  void on_execution_report(const execution_report& r) override { sum_ += r.open_qty.value(); }
  void on_trade(const trade& t) override { sum_ += t.qty.value(); }
  void on_top_of_book(const top_of_book& t) override { sum_ += t.bid_qty.value(); }
  void on_depth_update(const depth_update& d) override { sum_ += d.qty.value(); }
  [[nodiscard]] market_data_interest interest() const override { return wants_; }
  std::int64_t sum_ = 0;
  market_data_interest wants_;
};

constexpr market_data_interest trades_only{.trades = true, .top_of_book = false, .depth = false};

std::int64_t levels_for(std::int64_t resting) { return std::max<std::int64_t>(1, resting / 20); }

matcher_config config_for(std::int64_t resting) {
  matcher_config c;
  c.expected_resting_orders = static_cast<std::size_t>(resting) * 2 + 4096;
  c.expected_levels = static_cast<std::size_t>(levels_for(resting)) * 2 + 64;
  c.expected_orders = std::size_t{1} << 22;
  return c;
}

new_order_request limit(institution_id who, client_order_id id, side s, std::int64_t px, std::int64_t qty,
                        time_in_force tif = time_in_force::gtc) {
  return new_order_request{who, id, the_instrument, s, order_type::limit, tif, price{px}, quantity{qty}};
}

// A matcher with a book of `resting` orders, 10 per level on average, bids below mid, asks above.
struct fixture {
  // whale: first at each best level, one huge order that aggressors can trade with forever.
  explicit fixture(std::int64_t resting, bool whale = false, market_data_interest wants = {})
      : levels(levels_for(resting)), matcher(clock, config_for(resting)) {
    listener.wants_ = wants;
    instrument i{};
    i.id = the_instrument;
    i.symbol = "BENCH";
    i.lot_size = quantity{1};
    matcher.add_instrument(i);
    matcher.set_order_listener(&listener);
    matcher.set_market_data_listener(&listener);
    if (whale) {
      const institution_id big{institutions + 1};
      matcher.submit(limit(big, client_order_id{1}, side::buy, mid - 1, std::int64_t{1} << 50));
      matcher.submit(limit(big, client_order_id{2}, side::sell, mid + 1, std::int64_t{1} << 50));
    }
    for (std::int64_t n = 0; n < resting; ++n) {
      const side s = n % 2 == 0 ? side::buy : side::sell;
      const std::int64_t offset = (n / 2) % levels;
      rest(s, s == side::buy ? mid - 1 - offset : mid + 1 + offset, 10);
    }
  }

  struct live_order {
    institution_id who;
    client_order_id id;
    side s;
  };

  client_order_id next_id(institution_id who) { return client_order_id{++next_ids[who.value() - 1]}; }
  institution_id pick_institution() { return institution_id{static_cast<std::uint32_t>(1 + rng.below(institutions))}; }

  std::int64_t passive_price(side s) {
    const auto offset = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(levels)));
    return s == side::buy ? mid - 1 - offset : mid + 1 + offset;
  }

  void rest(side s, std::int64_t px, std::int64_t qty) {
    const institution_id who = pick_institution();
    const client_order_id id = next_id(who);
    matcher.submit(limit(who, id, s, px, qty));
    live.push_back({who, id, s});
  }

  std::int64_t levels;
  virtual_clock clock;
  counting_listener listener;
  order_matcher matcher;
  random_source rng{42};
  std::uint64_t next_ids[institutions] = {};
  std::vector<live_order> live;
};

void BM_matching_add(benchmark::State& state) {
  fixture f{state.range(0)};
  const std::size_t batch = static_cast<std::size_t>(std::clamp<std::int64_t>(state.range(0), 64, 4096));
  std::vector<new_order_request> adds(batch);
  const auto prepare = [&] {
    for (auto& a : adds) {
      const side s = f.rng.chance(0.5) ? side::buy : side::sell;
      const institution_id who = f.pick_institution();
      a = limit(who, f.next_id(who), s, f.passive_price(s), 10);
    }
  };
  prepare();
  std::size_t i = 0;
  for (auto _ : state) {
    f.matcher.submit(adds[i]);
    if (++i == batch) {
      state.PauseTiming();
      for (const auto& a : adds) {
        f.matcher.submit(cancel_request{a.institution, a.id, the_instrument});
      }
      prepare();
      i = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
  benchmark::DoNotOptimize(f.listener.sum_);
}

void BM_matching_add_match(benchmark::State& state) {
  // Every aggressor trades once, partially, with the huge order first at the best level, so the
  // book keeps its shape forever.
  fixture f{state.range(0), true};
  std::vector<new_order_request> aggressors(1 << 16);
  for (std::size_t i = 0; i < aggressors.size(); ++i) {
    const side s = i % 2 == 0 ? side::buy : side::sell;
    const institution_id who = f.pick_institution();
    aggressors[i] = limit(who, f.next_id(who), s, s == side::buy ? mid + 1 : mid - 1, 5, time_in_force::ioc);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    f.matcher.submit(aggressors[i]);
    if (++i == aggressors.size()) {
      state.PauseTiming();
      for (auto& a : aggressors) {
        a.id = f.next_id(a.institution);
      }
      i = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
  benchmark::DoNotOptimize(f.listener.sum_);
}

void BM_matching_sweep(benchmark::State& state) {
  // A level of F orders of 10 just outside the book's best: each iteration an IOC takes all of
  // them (F fills: 3F events, F removals), then F new orders rebuild it, so the book keeps its shape.
  fixture f{state.range(0), false, trades_only};
  const auto fills = static_cast<std::int64_t>(state.range(1));
  const std::int64_t px = mid; // inside the spread: bids end at mid - 1, asks start at mid + 1
  std::vector<new_order_request> requests;
  const auto prepare = [&] {
    requests.clear();
    for (std::size_t k = 0; k < 1024; ++k) {
      const side s = k % 2 == 0 ? side::buy : side::sell;
      for (std::int64_t n = 0; n < fills; ++n) {
        const institution_id who = f.pick_institution();
        requests.push_back(limit(who, f.next_id(who), s, px, 10));
      }
      const institution_id who = institution_id{institutions}; // trades with everyone (no self-trade prevention)
      requests.push_back(limit(who, f.next_id(who), opposite(s), px, 10 * fills, time_in_force::ioc));
    }
  };
  prepare();
  std::size_t i = 0;
  for (auto _ : state) {
    for (std::int64_t n = 0; n <= fills; ++n) {
      f.matcher.submit(requests[i++]);
    }
    if (i == requests.size()) {
      state.PauseTiming();
      prepare();
      i = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
  benchmark::DoNotOptimize(f.listener.sum_);
}

void BM_matching_cancel(benchmark::State& state) {
  fixture f{state.range(0)};
  const std::size_t batch = std::min<std::size_t>(f.live.size(), 4096);
  std::vector<cancel_request> cancels(batch);
  std::vector<side> sides(batch);
  const auto prepare = [&] {
    // Random distinct victims: swap them to the back of the live list.
    for (std::size_t k = 0; k < batch; ++k) {
      const std::size_t pick = f.rng.below(f.live.size() - k);
      std::swap(f.live[pick], f.live[f.live.size() - 1 - k]);
      const auto& o = f.live[f.live.size() - 1 - k];
      cancels[k] = cancel_request{o.who, o.id, the_instrument};
      sides[k] = o.s;
    }
  };
  prepare();
  std::size_t i = 0;
  for (auto _ : state) {
    f.matcher.submit(cancels[i]);
    if (++i == batch) {
      state.PauseTiming();
      f.live.resize(f.live.size() - batch);
      for (const side s : sides) {
        f.rest(s, f.passive_price(s), 10);
      }
      prepare();
      i = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
  benchmark::DoNotOptimize(f.listener.sum_);
}

void BM_matching_replace(benchmark::State& state) {
  fixture f{state.range(0)};
  std::vector<replace_request> replaces(1 << 16);
  for (auto& r : replaces) {
    const auto& o = f.live[f.rng.below(f.live.size())];
    r = replace_request{o.who, o.id, the_instrument};
    const auto what = f.rng.below(4);
    if (what < 2) {
      r.new_price = price{f.passive_price(o.s)};
    } else {
      r.new_open_qty = quantity{1 + static_cast<std::int64_t>(f.rng.below(20))};
    }
  }
  std::size_t i = 0;
  for (auto _ : state) {
    f.matcher.submit(replaces[i]);
    i = (i + 1) & (replaces.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
  benchmark::DoNotOptimize(f.listener.sum_);
}

// ---------------------------------------------------------------------------------------------
// The mixed stream: generated once against a shadow matcher (to know which orders are live),
// then replayed into a fresh copy of the same starting book.

using request = std::variant<new_order_request, cancel_request, replace_request>;

class live_tracker final : public order_listener {
public:
  void on_execution_report(const execution_report& r) override {
    if (is_final(r.status) && r.type != exec_type::rejected) {
      finished.push_back({r.institution, r.client_id});
    }
  }
  std::vector<std::pair<institution_id, client_order_id>> finished;
};

struct mixed_stream {
  std::vector<request> ops;
  std::uint64_t news = 0, marketable = 0, cancels = 0, replaces = 0;
};

mixed_stream make_mixed_stream(std::int64_t resting, std::size_t count) {
  fixture shadow{resting};
  live_tracker tracker;
  shadow.matcher.set_order_listener(&tracker);
  shadow.matcher.set_market_data_listener(nullptr);
  // Live orders: a vector for uniform picks, a map for O(1) removal.
  std::vector<fixture::live_order> live = shadow.live;
  const auto key = [](institution_id w, client_order_id id) { return (std::uint64_t{w.value()} << 48) ^ id.value(); };
  boost::unordered_flat_map<std::uint64_t, std::size_t> where;
  for (std::size_t i = 0; i < live.size(); ++i) {
    where[key(live[i].who, live[i].id)] = i;
  }
  const auto forget = [&](institution_id w, client_order_id id) {
    const auto it = where.find(key(w, id));
    if (it == where.end()) {
      return;
    }
    const std::size_t i = it->second;
    where.erase(it);
    if (i != live.size() - 1) {
      live[i] = live.back();
      where[key(live[i].who, live[i].id)] = i;
    }
    live.pop_back();
  };

  mixed_stream out;
  out.ops.reserve(count);
  random_source& rng = shadow.rng;
  const auto target = static_cast<std::size_t>(resting);
  for (std::size_t n = 0; n < count; ++n) {
    auto roll = rng.below(100);
    if (roll >= 40 && roll < 80 && live.size() < target) {
      roll = 0; // keep the book near its size: this cancel becomes a new order
    }
    request op;
    if (roll < 40 || live.empty()) {
      const side s = rng.chance(0.5) ? side::buy : side::sell;
      const institution_id who = shadow.pick_institution();
      if (rng.below(10) == 0) {
        const std::int64_t px = s == side::buy ? mid + 1 + static_cast<std::int64_t>(rng.below(3))
                                               : mid - 1 - static_cast<std::int64_t>(rng.below(3));
        op = limit(who, shadow.next_id(who), s, px, 1 + static_cast<std::int64_t>(rng.below(30)), time_in_force::ioc);
        ++out.marketable;
      } else {
        op = limit(who, shadow.next_id(who), s, shadow.passive_price(s), 1 + static_cast<std::int64_t>(rng.below(20)));
      }
      ++out.news;
    } else if (roll < 80) {
      const auto& o = live[rng.below(live.size())];
      op = cancel_request{o.who, o.id, the_instrument};
      ++out.cancels;
    } else {
      const auto& o = live[rng.below(live.size())];
      replace_request r{o.who, o.id, the_instrument};
      if (rng.chance(0.5)) {
        r.new_price = price{shadow.passive_price(o.s)};
      } else {
        r.new_open_qty = quantity{1 + static_cast<std::int64_t>(rng.below(20))};
      }
      op = r;
      ++out.replaces;
    }
    std::visit([&](const auto& r) { shadow.matcher.submit(r); }, op);
    if (const auto* added = std::get_if<new_order_request>(&op)) {
      if (shadow.matcher.find(added->institution, added->id)) {
        const auto where_index = live.size();
        live.push_back({added->institution, added->id, added->side});
        where[key(added->institution, added->id)] = where_index;
      }
    }
    for (const auto& [w, id] : tracker.finished) {
      forget(w, id);
    }
    tracker.finished.clear();
    out.ops.push_back(op);
  }
  return out;
}

const mixed_stream& stream_for(std::int64_t resting) {
  static std::vector<std::pair<std::int64_t, mixed_stream>> cache;
  for (const auto& [r, s] : cache) {
    if (r == resting) {
      return s;
    }
  }
  cache.emplace_back(resting, make_mixed_stream(resting, 2'000'000));
  return cache.back().second;
}

void set_mix_counters(benchmark::State& state, const mixed_stream& s) {
  const auto total = static_cast<double>(s.ops.size());
  state.counters["new%"] = 100.0 * static_cast<double>(s.news) / total;
  state.counters["mkt%"] = 100.0 * static_cast<double>(s.marketable) / total;
  state.counters["cxl%"] = 100.0 * static_cast<double>(s.cancels) / total;
  state.counters["rpl%"] = 100.0 * static_cast<double>(s.replaces) / total;
}

market_data_interest interest_arg(const benchmark::State& state) {
  return state.range(1) != 0 ? market_data_interest{} : trades_only;
}

void BM_matching_mixed(benchmark::State& state) {
  const mixed_stream& s = stream_for(state.range(0));
  auto f = std::make_unique<fixture>(state.range(0), false, interest_arg(state));
  std::size_t i = 0;
  for (auto _ : state) {
    std::visit([&](const auto& r) { f->matcher.submit(r); }, s.ops[i]);
    if (++i == s.ops.size()) {
      state.PauseTiming();
      f = std::make_unique<fixture>(state.range(0), false, interest_arg(state));
      i = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
  set_mix_counters(state, s);
  state.counters["resting"] = static_cast<double>(f->matcher.resting_orders());
}

void BM_matching_mixed_latency(benchmark::State& state) {
  const mixed_stream& s = stream_for(state.range(0));
  std::vector<std::int64_t> samples(s.ops.size());
  for (auto _ : state) {
    state.PauseTiming();
    fixture f{state.range(0), false, interest_arg(state)};
    // Warm up on the first tenth, then time each of the rest.
    const std::size_t warm = s.ops.size() / 10;
    state.ResumeTiming();
    for (std::size_t i = 0; i < warm; ++i) {
      std::visit([&](const auto& r) { f.matcher.submit(r); }, s.ops[i]);
    }
    for (std::size_t i = warm; i < s.ops.size(); ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      std::visit([&](const auto& r) { f.matcher.submit(r); }, s.ops[i]);
      const auto t1 = std::chrono::steady_clock::now();
      samples[i - warm] = (t1 - t0).count();
    }
    state.PauseTiming();
    const std::size_t n = s.ops.size() - warm;
    std::sort(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(n));
    const auto at = [&](double q) {
      return static_cast<double>(samples[static_cast<std::size_t>(q * static_cast<double>(n - 1))]);
    };
    state.counters["p50_ns"] = at(0.50);
    state.counters["p99_ns"] = at(0.99);
    state.counters["p999_ns"] = at(0.999);
    state.counters["max_ns"] = static_cast<double>(samples[n - 1]);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(s.ops.size()));
}

} // namespace

BENCHMARK(BM_matching_add)->Arg(10)->Arg(1'000)->Arg(100'000);
BENCHMARK(BM_matching_add_match)->Arg(10)->Arg(1'000)->Arg(100'000);
BENCHMARK(BM_matching_sweep)->ArgsProduct({{1'000}, {1, 5, 20}});
BENCHMARK(BM_matching_cancel)->Arg(10)->Arg(1'000)->Arg(100'000);
BENCHMARK(BM_matching_replace)->Arg(10)->Arg(1'000)->Arg(100'000);
BENCHMARK(BM_matching_mixed)->ArgsProduct({{1'000, 100'000}, {1, 0}});
BENCHMARK(BM_matching_mixed_latency)
    ->ArgsProduct({{1'000, 100'000}, {1, 0}})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
