// Store benchmarks: timetable append (steady state, retention active) and range queries, cache
// upsert/get, orders_storage upsert. Inputs are built outside the timed loops; no I/O.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "minibroker/store/market_data_cache.hpp"
#include "minibroker/store/orders_storage.hpp"
#include "minibroker/store/timetable.hpp"

using namespace minibroker;

namespace {

constexpr std::uint32_t instrument_count = 100;

std::vector<quote> make_quotes(std::size_t n) {
  std::vector<quote> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    quote& q = out[i];
    q.instrument = instrument_id{static_cast<std::uint32_t>(i % instrument_count)};
    q.bid = price{10000 + static_cast<std::int64_t>(i % 50)};
    q.ask = q.bid + price{1};
    q.last = q.bid;
    q.bid_size = quantity{100};
    q.ask_size = quantity{200};
    q.time = timestamp{duration{static_cast<std::int64_t>(i) * 1000}}; // one row per microsecond
    q.sequence = i + 1;
  }
  return out;
}

// Appends in time order to a table that is already full, so every append also evicts one row.
void BM_store_timetable_append(benchmark::State& state) {
  const auto max_rows = static_cast<std::size_t>(state.range(0));
  const std::vector<quote> rows = make_quotes(max_rows * 2);
  quotes_timetable table{timetable_retention{max_rows, std::nullopt}};
  for (const quote& q : rows) {
    table.append(q);
  }
  std::int64_t t = rows.back().time.time_since_epoch().count();
  std::size_t i = 0;
  for (auto _ : state) {
    quote q = rows[i];
    q.time = timestamp{duration{++t}};
    benchmark::DoNotOptimize(table.append(q));
    if (++i == rows.size()) {
      i = 0;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["evicted"] = static_cast<double>(table.stats().evicted());
}
BENCHMARK(BM_store_timetable_append)->Arg(1 << 16)->Arg(1 << 20);

// The same with an age window (about 65536 rows at one row per microsecond) instead of a row limit.
void BM_store_timetable_append_by_age(benchmark::State& state) {
  const std::vector<quote> rows = make_quotes(1 << 17);
  quotes_timetable table{timetable_retention{std::nullopt, duration{65'536'000}}};
  for (const quote& q : rows) {
    table.append(q);
  }
  std::int64_t t = rows.back().time.time_since_epoch().count();
  std::size_t i = 0;
  for (auto _ : state) {
    quote q = rows[i];
    t += 1000;
    q.time = timestamp{duration{t}};
    benchmark::DoNotOptimize(table.append(q));
    if (++i == rows.size()) {
      i = 0;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_store_timetable_append_by_age);

// Rows arriving up to 16 rows late (a multi-strand feed): insertion in place.
void BM_store_timetable_append_late(benchmark::State& state) {
  const std::vector<quote> rows = make_quotes(1 << 17);
  quotes_timetable table{timetable_retention{std::size_t{1} << 16, std::nullopt}};
  for (const quote& q : rows) {
    table.append(q);
  }
  std::int64_t t = rows.back().time.time_since_epoch().count();
  std::size_t i = 0;
  for (auto _ : state) {
    quote q = rows[i];
    t += 1000;
    q.time = timestamp{duration{(i % 4 == 0) ? t - 16'000 : t}}; // one row in four is late
    benchmark::DoNotOptimize(table.append(q));
    if (++i == rows.size()) {
      i = 0;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_store_timetable_append_late);

// Instruments carry strings: steady-state appends reuse the evicted rows' string capacity.
void BM_store_timetable_append_instrument(benchmark::State& state) {
  std::vector<instrument> rows;
  for (std::uint32_t i = 0; i < instrument_count; ++i) {
    rows.push_back(instrument{instrument_id{i}, fmt::format("SYM{:04}", i), fmt::format("Instrument number {}", i),
                              "USD", decimal{1, 2}, quantity{1}, price{10000}});
  }
  instruments_timetable table{timetable_retention{std::size_t{1} << 14, std::nullopt}};
  std::int64_t t = 0;
  for (std::size_t i = 0; i < (std::size_t{1} << 15); ++i) {
    table.append(timestamp{duration{++t}}, rows[i % rows.size()]);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(table.append(timestamp{duration{++t}}, rows[i]));
    if (++i == rows.size()) {
      i = 0;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_store_timetable_append_instrument);

// A full table of 2^20 quotes over 100 instruments; query ranges of range(0) rows overall.
std::unique_ptr<quotes_timetable> full_table(const std::vector<quote>& rows) {
  auto table = std::make_unique<quotes_timetable>(timetable_retention{rows.size(), std::nullopt});
  for (const quote& q : rows) {
    table->append(q);
  }
  return table;
}

void BM_store_timetable_range(benchmark::State& state) {
  const auto span = state.range(0);
  const std::vector<quote> rows = make_quotes(std::size_t{1} << 20);
  const auto table = full_table(rows);
  const std::int64_t last = rows.back().time.time_since_epoch().count();
  std::int64_t from = 0;
  std::int64_t rows_seen = 0;
  for (auto _ : state) {
    std::int64_t sum = 0;
    for (const auto& e : table->range(timestamp{duration{from}}, timestamp{duration{from + span * 1000}})) {
      sum += e.row.bid.value();
    }
    benchmark::DoNotOptimize(sum);
    rows_seen += span;
    from += 7'777'000;
    if (from + span * 1000 > last) {
      from = 0;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows_seen), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_store_timetable_range)->Arg(10)->Arg(10'000);

// The same ranges filtered to one instrument (1 in 100 rows).
void BM_store_timetable_range_by_key(benchmark::State& state) {
  const auto span = state.range(0);
  const std::vector<quote> rows = make_quotes(std::size_t{1} << 20);
  const auto table = full_table(rows);
  const std::int64_t last = rows.back().time.time_since_epoch().count();
  std::int64_t from = 0;
  std::uint32_t key = 0;
  for (auto _ : state) {
    std::int64_t sum = 0;
    for (const auto& e :
         table->range(instrument_id{key}, timestamp{duration{from}}, timestamp{duration{from + span * 1000}})) {
      sum += e.row.bid.value();
    }
    benchmark::DoNotOptimize(sum);
    key = (key + 1) % instrument_count;
    from += 7'777'000;
    if (from + span * 1000 > last) {
      from = 0;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_store_timetable_range_by_key)->Arg(1'000)->Arg(1'000'000);

void BM_store_cache_upsert(benchmark::State& state) {
  const std::vector<quote> rows = make_quotes(1 << 12);
  quotes_cache cache;
  for (const quote& q : rows) {
    cache.upsert(q.instrument, q);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const quote& q = rows[i];
    benchmark::DoNotOptimize(cache.upsert(q.instrument, q));
    if (++i == rows.size()) {
      i = 0;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_store_cache_upsert);

void BM_store_cache_get(benchmark::State& state) {
  const std::vector<quote> rows = make_quotes(instrument_count);
  quotes_cache cache;
  for (const quote& q : rows) {
    cache.upsert(q.instrument, q);
  }
  std::uint32_t key = 0;
  for (auto _ : state) {
    const auto* entry = cache.find(instrument_id{key});
    benchmark::DoNotOptimize(entry->value.bid);
    benchmark::DoNotOptimize(entry->version);
    key = (key + 1) % instrument_count;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_store_cache_get);

void BM_store_cache_snapshot(benchmark::State& state) {
  const std::vector<quote> rows = make_quotes(instrument_count);
  quotes_cache cache;
  for (const quote& q : rows) {
    cache.upsert(q.instrument, q);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(cache.snapshot());
  }
  state.SetItemsProcessed(state.iterations() * instrument_count);
}
BENCHMARK(BM_store_cache_snapshot);

// The exchange side's stream: each order gets new, partial fill, fill (the first report inserts).
std::vector<execution_report> make_reports(std::size_t orders) {
  std::vector<execution_report> out;
  out.reserve(orders * 3);
  for (std::size_t i = 0; i < orders; ++i) {
    execution_report e{};
    e.instrument = instrument_id{static_cast<std::uint32_t>(i % instrument_count)};
    e.order = order_id{i + 1};
    e.institution = institution_id{static_cast<std::uint32_t>(i % 8)};
    e.client_id = client_order_id{i};
    e.order_price = price{10000};
    e.order_qty = quantity{100};
    e.sequence = 3 * i + 1;
    e.type = exec_type::new_order;
    e.status = order_status::new_order;
    e.open_qty = quantity{100};
    out.push_back(e);
    e.sequence = 3 * i + 2;
    e.type = exec_type::trade;
    e.status = order_status::partially_filled;
    e.last_qty = e.cum_qty = quantity{40};
    e.open_qty = quantity{60};
    out.push_back(e);
    e.sequence = 3 * i + 3;
    e.status = order_status::filled;
    e.last_qty = quantity{60};
    e.cum_qty = quantity{100};
    e.open_qty = quantity{0};
    out.push_back(e);
  }
  return out;
}

// Per report; one in three inserts a new order into a storage of up to 100k orders.
void BM_store_orders_upsert(benchmark::State& state) {
  const std::vector<execution_report> reports = make_reports(100'000);
  auto storage = std::make_unique<orders_storage>();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(storage->upsert(reports[i]));
    if (++i == reports.size()) {
      state.PauseTiming();
      i = 0;
      storage = std::make_unique<orders_storage>();
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_store_orders_upsert);

// Lookups by both keys in a storage of 100k orders.
void BM_store_orders_find(benchmark::State& state) {
  const std::vector<execution_report> reports = make_reports(100'000);
  orders_storage storage;
  for (const execution_report& e : reports) {
    storage.upsert(e);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const execution_report& e = reports[i];
    benchmark::DoNotOptimize(storage.find(e.order));
    benchmark::DoNotOptimize(storage.find(e.institution, e.client_id));
    i += 3;
    if (i >= reports.size()) {
      i = 0;
    }
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_store_orders_find);

} // namespace

BENCHMARK_MAIN();
