// The matcher's steady state allocates nothing: this test program counts every operator new.
// A mixed stream (new, a tenth of them marketable; cancel; replace) warms a book of about 1,000
// resting orders up, then the same kind of stream runs with every allocation counted.

#include <catch2/catch.hpp>

#include <vector>

#include "counting_new.hpp"
#include "matching_support.hpp"
#include "minibroker/core/random.hpp"

using namespace minibroker;
using namespace minibroker::testing;

namespace {

struct mixed_driver {
  explicit mixed_driver(order_matcher& m) : matcher(m) { live.reserve(1 << 16); }

  void step() {
    const auto roll = rng.below(100);
    const institution_id who{static_cast<std::uint32_t>(1 + rng.below(4))};
    const side s = rng.chance(0.5) ? side::buy : side::sell;
    if (roll < 40 || live.size() < 1'000) {
      new_order_request r{};
      r.institution = who;
      r.id = client_order_id{++next_id};
      r.instrument = instrument_id{1};
      r.side = s;
      r.type = order_type::limit;
      const auto away = static_cast<std::int64_t>(rng.below(50));
      if (rng.below(10) == 0) {
        r.tif = time_in_force::ioc;
        r.limit_price = price{s == side::buy ? 1'002 : 998};
      } else {
        r.limit_price = price{s == side::buy ? 999 - away : 1'001 + away};
      }
      r.qty = quantity{1 + static_cast<std::int64_t>(rng.below(20))};
      matcher.submit(r);
      if (r.tif == time_in_force::gtc) {
        live.push_back({who, r.id});
      }
      return;
    }
    // Some of these are gone already (filled): those requests are rejected, which is fine.
    const std::size_t pick = rng.below(live.size());
    const auto [inst, id] = live[pick];
    if (roll < 80) {
      matcher.submit(cancel_request{inst, id, instrument_id{1}});
      live[pick] = live.back();
      live.pop_back();
    } else {
      replace_request r{inst, id, instrument_id{1}};
      r.new_open_qty = quantity{1 + static_cast<std::int64_t>(rng.below(20))};
      matcher.submit(r);
    }
  }

  order_matcher& matcher;
  random_source rng{7};
  std::uint64_t next_id = 0;
  std::vector<std::pair<institution_id, client_order_id>> live;
};

class counting_listener final : public order_listener, public market_data_listener {
public:
  void on_execution_report(const execution_report&) override { ++events; }
  void on_trade(const trade&) override { ++events; }
  void on_top_of_book(const top_of_book&) override { ++events; }
  void on_depth_update(const depth_update&) override { ++events; }
  long events = 0;
};

} // namespace

TEST_CASE("matcher: new, cancel and replace allocate nothing in steady state", "[matcher][allocation]") {
  virtual_clock clock;
  matcher_config config;
  config.expected_resting_orders = 1 << 12;
  order_matcher matcher(clock, config);
  matcher.add_instrument(make_instrument(1));
  counting_listener listener;
  matcher.set_order_listener(&listener);
  matcher.set_market_data_listener(&listener);
  mixed_driver driver{matcher};
  for (int i = 0; i < 300'000; ++i) {
    driver.step();
  }
  const long before = test::allocations();
  for (int i = 0; i < 100'000; ++i) {
    driver.step();
  }
  CHECK(test::allocations() - before == 0);
  CHECK(listener.events > 100'000);
  matcher.book(instrument_id{1})->check_invariants();
}
