// submit(batch) gives exactly the events of the same requests submitted one at a time, also on a
// book large enough that the batch reads ahead.

#include <catch2/catch.hpp>

#include <vector>

#include "matching_support.hpp"
#include "minibroker/core/random.hpp"

using namespace minibroker;
using namespace minibroker::testing;

namespace {

// Resting orders on a book of 40,000 first, then a mix of new, cancel and replace (some of
// unknown or finished orders, some repeated within a few requests of each other).
std::vector<order_matcher::any_request> make_stream() {
  random_source rng{11};
  std::vector<order_matcher::any_request> out;
  std::vector<std::pair<institution_id, client_order_id>> sent;
  std::uint64_t next_id = 0;
  const auto new_order = [&](bool marketable) {
    new_order_request r{};
    r.institution = institution_id{static_cast<std::uint32_t>(1 + rng.below(4))};
    r.id = client_order_id{++next_id};
    r.instrument = instrument_id{1};
    r.side = rng.chance(0.5) ? side::buy : side::sell;
    const auto away = static_cast<std::int64_t>(rng.below(200));
    r.limit_price =
        price{marketable ? (r.side == side::buy ? 1'010 : 990) : (r.side == side::buy ? 999 - away : 1'001 + away)};
    r.qty = quantity{1 + static_cast<std::int64_t>(rng.below(20))};
    sent.emplace_back(r.institution, r.id);
    out.emplace_back(r);
  };
  for (int i = 0; i < 40'000; ++i) {
    new_order(false);
  }
  for (int i = 0; i < 60'000; ++i) {
    const auto roll = rng.below(100);
    if (roll < 40) {
      new_order(roll < 4);
      continue;
    }
    const auto [who, id] =
        rng.chance(0.05) ? std::pair{institution_id{1}, client_order_id{next_id + 5}} : sent[rng.below(sent.size())];
    if (roll < 80) {
      out.emplace_back(cancel_request{who, id, instrument_id{1}});
    } else {
      replace_request r{who, id, instrument_id{1}};
      if (rng.chance(0.5)) {
        r.new_price = price{990 + static_cast<std::int64_t>(rng.below(21))};
      }
      r.new_open_qty = quantity{1 + static_cast<std::int64_t>(rng.below(20))};
      out.emplace_back(r);
    }
  }
  return out;
}

} // namespace

TEST_CASE("matcher: a batch gives the events of one request at a time", "[matcher][batch]") {
  const auto stream = make_stream();
  virtual_clock clock;
  recording_listener one_by_one;
  recording_listener batched;
  order_matcher a(clock);
  order_matcher b(clock);
  for (auto* m : {&a, &b}) {
    m->add_instrument(make_instrument(1));
  }
  a.set_order_listener(&one_by_one);
  a.set_market_data_listener(&one_by_one);
  b.set_order_listener(&batched);
  b.set_market_data_listener(&batched);
  for (const auto& r : stream) {
    std::visit([&](const auto& request) { a.submit(request); }, r);
  }
  b.submit(std::span<const order_matcher::any_request>(stream));
  REQUIRE(batched.events.size() == one_by_one.events.size());
  for (std::size_t i = 0; i < batched.events.size(); ++i) {
    REQUIRE(full_line(batched.events[i]) == full_line(one_by_one.events[i]));
  }
  CHECK(b.resting_orders() > 16'384); // the batch did read ahead
  b.book(instrument_id{1})->check_invariants();
}
