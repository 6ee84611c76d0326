#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/strand.hpp>

#include "exchange_support.hpp"
#include "minibroker/core/random.hpp"

using namespace minibroker;
using namespace minibroker::testing;

namespace {

// Counts one institution's reports on its own strand; read after the threads are joined.
struct counting_listener final : report_listener {
  std::uint64_t reports = 0;
  std::uint64_t firsts = 0; // new_order or rejected: the first report of each new order
  std::uint64_t trades = 0;
  void on_report(const traced_report& r) override {
    ++reports;
    if (r.report.type == exec_type::new_order || r.report.type == exec_type::rejected) {
      ++firsts;
    }
    if (r.report.type == exec_type::trade) {
      ++trades;
    }
  }
};

} // namespace

// Four threads run the io_context, four more submit at once; each of the four matcher shards owns
// its instruments' books on its own strand. In debug builds every entry into a shard asserts it is
// on the shard's strand and that no other entry is in progress; under ThreadSanitizer any book
// touched from two threads at once would be reported.
TEST_CASE("exchange: with four shards and many threads each book is touched by one strand only",
          "[exchange][threads]") {
  constexpr std::size_t instruments = 32;
  constexpr std::size_t submitters = 4;
  constexpr std::uint64_t orders_each = 2000;

  auto config = quiet_config(5);
  config.instruments = instruments;
  config.matcher_shards = 4;
  config.institutions.push_back({institution_id{4}, "delta", "token-d"});
  config.order_created_queue.capacity = 1 << 16;
  config.order_processor_queue.capacity = 1 << 18;

  boost::asio::io_context io;
  virtual_clock clock{timestamp{std::chrono::seconds{1'700'000'000}}};
  virtual_scheduler sched{io, clock}; // no quote flow: nothing is ever scheduled
  exchange ex(io, sched, config);
  ex.start();
  REQUIRE(ex.shard_count() == 4);

  std::vector<std::unique_ptr<counting_listener>> listeners;
  std::vector<std::unique_ptr<order_gateway>> gateways;
  for (std::uint32_t i = 1; i <= submitters; ++i) {
    listeners.push_back(std::make_unique<counting_listener>());
    gateways.push_back(ex.connect(institution_id{i}));
    gateways.back()->set_listener(*listeners.back(), boost::asio::make_strand(io));
  }
  // What the submitters need, read before they start (the cache is the strand's).
  std::vector<instrument> defs;
  for (std::uint32_t id = 1; id <= instruments; ++id) {
    defs.push_back(ex.instruments().find(instrument_id{id})->value);
  }

  auto work = boost::asio::make_work_guard(io);
  std::vector<std::thread> runners;
  for (int i = 0; i < 4; ++i) {
    runners.emplace_back([&io] { io.run(); });
  }
  std::vector<std::thread> senders;
  for (std::size_t t = 0; t < submitters; ++t) {
    senders.emplace_back([&, t] {
      random_source rng{100 + t};
      order_gateway& gw = *gateways[t];
      for (std::uint64_t n = 1; n <= orders_each; ++n) {
        const instrument& def = defs[rng.below(instruments)];
        const side s = rng.chance(0.5) ? side::buy : side::sell;
        const price px = def.reference_price + price{rng.uniform(-3, 3)};
        const auto tif = rng.chance(0.3) ? time_in_force::ioc : time_in_force::gtc;
        gw.send(traced_request{limit(gw.institution(), n, def.id, s, def.lot_size * rng.uniform(1, 5), px, tif), {}});
      }
    });
  }
  for (auto& t : senders) {
    t.join();
  }
  work.reset(); // the runners return once every posted handler has run
  for (auto& t : runners) {
    t.join();
  }

  const exchange_stats st = ex.stats();
  const std::uint64_t total = submitters * orders_each;
  CHECK(st.requests_received == total);
  CHECK(st.requests_received == st.requests_forwarded + st.door_rejects);
  CHECK(st.door_rejects == 0);
  CHECK(st.reports_publish_rejected == 0);
  std::uint64_t matched = 0;
  for (const shard_stats& sh : st.shards) {
    CHECK(sh.instruments == instruments / 4);
    CHECK(sh.requests > 0); // every shard worked
    matched += sh.requests;
  }
  CHECK(matched == st.requests_forwarded);
  std::uint64_t reports = 0;
  std::uint64_t trade_reports = 0;
  for (std::size_t t = 0; t < submitters; ++t) {
    CHECK(listeners[t]->firsts == orders_each); // every order heard back exactly once first
    reports += listeners[t]->reports;
    trade_reports += listeners[t]->trades;
  }
  CHECK(reports == st.reports_sent);
  CHECK(reports == st.reports_processed);
  CHECK(st.trades > 0);
  CHECK(trade_reports == 2 * st.trades);
  CHECK(ex.orders_timetable().size() == st.reports_published);
  CHECK(ex.trades_timetable().size() == st.trades);
  // Exchange-wide order ids: the storage indexes every acknowledged order by its id, no clashes.
  std::size_t with_id = 0;
  for (const order_record& r : ex.orders()) {
    if (r.order != order_id{}) {
      ++with_id;
      CHECK(ex.orders().find(r.order) == &r);
    }
  }
  CHECK(with_id > 0);
}
