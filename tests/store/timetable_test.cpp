#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "minibroker/store/timetable.hpp"

using namespace minibroker;
using namespace std::chrono_literals;

namespace {

timestamp at(std::chrono::seconds s) { return timestamp{s}; }

quote q(std::uint32_t instrument, std::chrono::seconds t, std::uint64_t seq = 0) {
  quote r{};
  r.instrument = instrument_id{instrument};
  r.bid = price{100};
  r.ask = price{101};
  r.time = at(t);
  r.sequence = seq;
  return r;
}

// The sequences of a run of quote rows, in order: what the blotter shows.
std::vector<std::uint64_t> seqs(const quotes_timetable::view& rows) {
  std::vector<std::uint64_t> out;
  for (const auto& e : rows) {
    out.push_back(e.row.sequence);
  }
  return out;
}

using v = std::vector<std::uint64_t>;

} // namespace

TEST_CASE("timetable: a range query returns the rows with from <= time < to", "[timetable]") {
  quotes_timetable table;
  for (std::uint64_t i = 1; i <= 5; ++i) {
    CHECK(table.append(q(1, std::chrono::seconds{i * 10}, i)) == append_result::appended); // 10s .. 50s
  }
  CHECK(seqs(table.range(at(20s), at(40s))) == v{2, 3});
  CHECK(seqs(table.range(at(15s), at(41s))) == v{2, 3, 4});
  CHECK(seqs(table.range(at(0s), at(100s))) == v{1, 2, 3, 4, 5});
  CHECK(seqs(table.range(at(50s), at(51s))) == v{5});
  CHECK(table.range(at(51s), at(100s)).empty());
  CHECK(table.range(at(0s), at(10s)).empty());
  CHECK(table.range(at(30s), at(30s)).empty()); // empty interval
  CHECK(table.range(at(40s), at(20s)).empty()); // reversed interval
  CHECK(table.count(at(20s), at(40s)) == 2);

  auto rows = table.range(at(20s), at(50s));
  REQUIRE(rows.size() == 3);
  CHECK(rows.front().time == at(20s));
  CHECK(rows.back().time == at(40s));
  CHECK(rows[1].row.sequence == 3);
}

TEST_CASE("timetable: rows with equal times keep their arrival order", "[timetable]") {
  quotes_timetable table;
  table.append(q(1, 10s, 1));
  table.append(q(2, 10s, 2));
  table.append(q(1, 10s, 3));
  CHECK(seqs(table.range(at(10s), at(11s))) == v{1, 2, 3});
  REQUIRE(table.latest() != nullptr);
  CHECK(table.latest()->row.sequence == 3);
}

TEST_CASE("timetable: a range query filtered by key returns that key's rows only", "[timetable]") {
  quotes_timetable table;
  table.append(q(1, 10s, 1));
  table.append(q(2, 20s, 2));
  table.append(q(1, 30s, 3));
  table.append(q(2, 40s, 4));
  table.append(q(1, 50s, 5));

  CHECK(seqs(table.range(instrument_id{1}, at(0s), at(100s))) == v{1, 3, 5});
  CHECK(seqs(table.range(instrument_id{1}, at(20s), at(50s))) == v{3});
  CHECK(seqs(table.range(instrument_id{2}, at(20s), at(41s))) == v{2, 4});
  CHECK(table.range(instrument_id{3}, at(0s), at(100s)).empty());
  CHECK(table.count(instrument_id{1}, at(0s), at(50s)) == 2);
  CHECK(table.size(instrument_id{1}) == 3);
  CHECK(table.size(instrument_id{2}) == 2);
  CHECK(table.size(instrument_id{3}) == 0);
  CHECK(table.size() == 5);
}

TEST_CASE("timetable: latest and oldest answer the newest and first rows overall and the newest per key",
          "[timetable]") {
  quotes_timetable table;
  CHECK(table.latest() == nullptr);
  CHECK(table.oldest() == nullptr);
  CHECK(table.latest(instrument_id{1}) == nullptr);

  table.append(q(1, 10s, 1));
  table.append(q(2, 20s, 2));
  table.append(q(1, 30s, 3));
  table.append(q(2, 40s, 4));

  REQUIRE(table.latest() != nullptr);
  CHECK(table.latest()->row.sequence == 4);
  CHECK(table.oldest()->row.sequence == 1);
  REQUIRE(table.latest(instrument_id{1}) != nullptr);
  CHECK(table.latest(instrument_id{1})->row.sequence == 3);
  CHECK(table.latest(instrument_id{2})->row.sequence == 4);
  CHECK(table.latest(instrument_id{9}) == nullptr);
}

TEST_CASE("timetable: retention by rows evicts the oldest and counts them", "[timetable][retention]") {
  quotes_timetable table{timetable_retention{3, std::nullopt}};
  for (std::uint64_t i = 1; i <= 5; ++i) {
    table.append(q(i % 2 == 0 ? 2 : 1, std::chrono::seconds{i}, i));
  }
  CHECK(table.size() == 3);
  CHECK(seqs(table.all()) == v{3, 4, 5});
  CHECK(table.stats().appended == 5);
  CHECK(table.stats().evicted_by_rows == 2);
  CHECK(table.stats().evicted_by_age == 0);
  CHECK(table.stats().evicted() == 2);
  // The per-key index lost the same rows.
  CHECK(seqs(table.range(instrument_id{1}, at(0s), at(10s))) == v{3, 5});
  CHECK(seqs(table.range(instrument_id{2}, at(0s), at(10s))) == v{4});
  CHECK(table.range(at(1s), at(3s)).empty());
}

TEST_CASE("timetable: retention by age keeps rows up to max_age older than the newest", "[timetable][retention]") {
  quotes_timetable table{timetable_retention{std::nullopt, 10s}};
  table.append(q(1, 0s, 1));
  table.append(q(1, 5s, 2));
  table.append(q(1, 10s, 3));
  CHECK(table.size() == 3); // 0s is exactly 10s older than 10s: kept
  table.append(q(1, 15s, 4));
  CHECK(seqs(table.all()) == v{2, 3, 4});
  CHECK(table.stats().evicted_by_age == 1);
  table.append(q(2, 40s, 5)); // everything else is now too old
  CHECK(seqs(table.all()) == v{5});
  CHECK(table.stats().evicted_by_age == 4);
  CHECK(table.latest(instrument_id{1}) == nullptr); // all of key 1's rows have gone
  CHECK(table.size(instrument_id{1}) == 0);
  CHECK(table.stats().evicted_by_rows == 0);
}

TEST_CASE("timetable: retention by rows and by age together evicts by both and counts each", "[timetable][retention]") {
  quotes_timetable table{timetable_retention{2, 10s}};
  table.append(q(1, 0s, 1));
  table.append(q(1, 1s, 2));
  table.append(q(1, 2s, 3));  // row limit
  table.append(q(1, 20s, 4)); // row limit evicts 2, then age evicts 3
  CHECK(seqs(table.all()) == v{4});
  CHECK(table.stats().evicted_by_rows == 2);
  CHECK(table.stats().evicted_by_age == 1);
}

TEST_CASE("timetable: a late row is inserted at its place and counted", "[timetable][order]") {
  quotes_timetable table;
  table.append(q(1, 10s, 1));
  table.append(q(2, 20s, 2));
  table.append(q(1, 30s, 3));
  CHECK(table.append(q(1, 20s, 4)) == append_result::inserted_late); // after the row already at 20s
  CHECK(table.append(q(2, 5s, 5)) == append_result::inserted_late);  // before everything

  CHECK(seqs(table.all()) == v{5, 1, 2, 4, 3});
  CHECK(seqs(table.range(instrument_id{1}, at(0s), at(100s))) == v{1, 4, 3});
  CHECK(seqs(table.range(instrument_id{2}, at(0s), at(100s))) == v{5, 2});
  CHECK(seqs(table.range(at(20s), at(21s))) == v{2, 4});
  CHECK(table.latest()->row.sequence == 3); // the newest time, not the last to arrive
  CHECK(table.latest(instrument_id{2})->row.sequence == 2);
  CHECK(table.stats().appended == 5);
  CHECK(table.stats().late == 2);
  CHECK(table.stats().rejected_too_old == 0);
}

TEST_CASE("timetable: a late row outside the age window is rejected and counted", "[timetable][order]") {
  quotes_timetable table{timetable_retention{std::nullopt, 10s}};
  table.append(q(1, 100s, 1));
  CHECK(table.append(q(1, 89s, 2)) == append_result::rejected_too_old);
  CHECK(table.append(q(1, 90s, 3)) == append_result::inserted_late); // exactly at the edge: kept
  CHECK(seqs(table.all()) == v{3, 1});
  CHECK(table.stats().rejected_too_old == 1);
  CHECK(table.stats().late == 1);
  CHECK(table.stats().appended == 2);
}

TEST_CASE("timetable: a late row older than everything is evicted first when the table is full", "[timetable][order]") {
  quotes_timetable table{timetable_retention{2, std::nullopt}};
  table.append(q(1, 10s, 1));
  table.append(q(1, 20s, 2));
  CHECK(table.append(q(1, 5s, 3)) == append_result::inserted_late);
  CHECK(seqs(table.all()) == v{1, 2});
  CHECK(table.stats().evicted_by_rows == 1);
}

TEST_CASE("timetable: instrument rows are stamped with the time they were seen", "[timetable]") {
  instruments_timetable table;
  instrument acme{instrument_id{1}, "ACME", "Acme Corp", "USD"};
  table.append(at(10s), acme);
  acme.status = instrument_status::halted;
  table.append(at(20s), acme);
  table.append(at(15s), instrument{instrument_id{2}, "BETA", "Beta", "EUR"});

  REQUIRE(table.latest(instrument_id{1}) != nullptr);
  CHECK(table.latest(instrument_id{1})->row.status == instrument_status::halted);
  CHECK(table.latest(instrument_id{1})->time == at(20s));
  CHECK(table.range(at(10s), at(16s)).size() == 2);
}

TEST_CASE("timetable: evicted storage is reused for new rows", "[timetable][retention]") {
  instruments_timetable table{timetable_retention{2, std::nullopt}};
  for (int i = 0; i < 10; ++i) {
    // Built in two steps: GCC 12 warns falsely (-Wrestrict) about `"S" + std::to_string(i)` here.
    std::string symbol = "S";
    symbol += std::to_string(i);
    table.append(at(std::chrono::seconds{i}),
                 instrument{instrument_id{static_cast<std::uint32_t>(i % 3)}, symbol, "n", "USD"});
  }
  REQUIRE(table.size() == 2);
  CHECK(table.all()[0].row.symbol == "S8");
  CHECK(table.all()[1].row.symbol == "S9");
  CHECK(table.stats().evicted_by_rows == 8);
}

namespace {

// A row without a key and without traits of its own: only time ordering.
struct sample {
  timestamp time;
  std::int64_t value = 0;
};
struct sample_traits {
  static timestamp time_of(const sample& s) noexcept { return s.time; }
};

} // namespace

TEST_CASE("timetable: a row type without keys uses only the time index", "[timetable]") {
  timetable<sample, sample_traits> table{timetable_retention{3, std::nullopt}};
  for (std::int64_t i = 1; i <= 4; ++i) {
    table.append(sample{at(std::chrono::seconds{i}), i * 100});
  }
  auto rows = table.range(at(2s), at(4s));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].row.value == 200);
  CHECK(rows[1].row.value == 300);
  CHECK(table.latest()->row.value == 400);

  fmt::memory_buffer out;
  table.write_csv(
      out, "time,value",
      [](fmt::memory_buffer& o, const timetable_entry<sample>& e) {
        fmt::format_to(std::back_inserter(o), "{},{}", e.time.time_since_epoch().count(), e.row.value);
      },
      table.range(at(3s), at(10s)));
  CHECK(fmt::to_string(out) == "time,value\n3000000000,300\n4000000000,400\n");
}

TEST_CASE("timetable: matches a sorted-vector model under late rows and retention", "[timetable][order]") {
  // A deterministic stream: mostly in order, sometimes late by up to 8s, rarely by up to 34s; 3 keys.
  const timetable_retention retention{25, 30s};
  quotes_timetable table{retention};
  std::vector<quote> model; // sorted by time, stable for equal times
  std::uint64_t rng = 12345;
  auto next = [&rng](std::uint64_t n) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (rng >> 33) % n;
  };
  std::int64_t clock = 0;
  for (std::uint64_t i = 1; i <= 2000; ++i) {
    clock += static_cast<std::int64_t>(next(4));
    std::int64_t t = clock;
    if (next(5) == 0) {
      t -= static_cast<std::int64_t>(next(9));
    } else if (next(100) == 0) {
      t -= 25 + static_cast<std::int64_t>(next(10)); // sometimes too late to keep
    }
    const quote row = q(static_cast<std::uint32_t>(next(3)), std::chrono::seconds{t}, i);
    const append_result result = table.append(row);

    const bool too_old = !model.empty() && row.time < model.back().time - 30s;
    CHECK((result == append_result::rejected_too_old) == too_old);
    if (!too_old) {
      auto pos = std::upper_bound(model.begin(), model.end(), row.time,
                                  [](timestamp tt, const quote& e) { return tt < e.time; });
      model.insert(pos, row);
      if (model.size() > 25) {
        model.erase(model.begin(), model.begin() + static_cast<std::ptrdiff_t>(model.size() - 25));
      }
      const timestamp cutoff = model.back().time - 30s;
      std::erase_if(model, [cutoff](const quote& e) { return e.time < cutoff; });
    }

    if (i % 97 == 0) {
      std::vector<std::uint64_t> expected;
      for (const quote& e : model) {
        expected.push_back(e.sequence);
      }
      REQUIRE(seqs(table.all()) == expected);
      for (std::uint32_t k = 0; k < 3; ++k) {
        const timestamp from = model.front().time + 5s;
        const timestamp to = model.back().time - 2s;
        std::vector<std::uint64_t> want;
        for (const quote& e : model) {
          if (e.instrument == instrument_id{k} && e.time >= from && e.time < to) {
            want.push_back(e.sequence);
          }
        }
        CHECK(seqs(table.range(instrument_id{k}, from, to)) == want);
      }
    }
  }
  CHECK(table.stats().appended - table.stats().evicted() == table.size());
  CHECK(table.stats().late > 0);
  CHECK(table.stats().evicted_by_rows > 0);
  CHECK(table.stats().evicted_by_age > 0);
  CHECK(table.stats().rejected_too_old > 0);
}

TEST_CASE("timetable: keys with small and large ids each keep their own rows", "[timetable]") {
  quotes_timetable table;
  // 3 and 4095 are found in the table by id, 4096 and 1,000,000 by hash: all answer alike.
  for (std::uint32_t round = 0; round < 3; ++round) {
    for (std::uint32_t instrument : {4096U, 3U, 1'000'000U, 4095U}) {
      table.append(q(instrument, std::chrono::seconds{round}, instrument + round));
    }
  }
  for (std::uint32_t instrument : {3U, 4095U, 4096U, 1'000'000U}) {
    CHECK(table.size(instrument_id{instrument}) == 3);
    CHECK(table.latest(instrument_id{instrument})->row.sequence == instrument + 2);
    CHECK(seqs(table.range(instrument_id{instrument}, at(0s), at(3s))) ==
          v{instrument, instrument + 1, instrument + 2});
  }
  CHECK(table.size(instrument_id{5}) == 0);
  CHECK(table.latest(instrument_id{5}) == nullptr);
}
