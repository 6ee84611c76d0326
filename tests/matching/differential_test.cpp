// Differential test: random request streams (new/cancel/replace of every type and time in force,
// invalid requests mixed in, halts, self-trade prevention modes) go to the real matcher and to
// the deliberately simple reference matcher; every event must be identical, and invariants are
// checked after every request.

#include <algorithm>
#include <map>
#include <tuple>

#include <catch2/catch.hpp>

#include "matching_support.hpp"
#include "minibroker/core/random.hpp"
#include "reference_matcher.hpp"

using namespace minibroker;
using namespace minibroker::testing;

namespace {

constexpr std::uint32_t instrument_count = 3;
constexpr std::uint32_t institution_count = 4;

instrument instrument_n(std::uint32_t n) { return make_instrument(n, n == 3 ? 5 : 1); }

// Builds a random request stream with a reproducible seed.
class request_generator {
public:
  // new_percent: the share of new orders; the rest is cancels and replaces, 56:44.
  request_generator(std::uint64_t seed, int new_percent) : rng_(seed), new_percent_(new_percent) {}

  using request = std::variant<new_order_request, cancel_request, replace_request>;

  request next() {
    if (rng_.chance(0.004)) {
      return sweep();
    }
    const auto roll = rng_.below(100);
    if (roll < static_cast<std::uint64_t>(new_percent_)) {
      return new_order();
    }
    if (roll < static_cast<std::uint64_t>(new_percent_ + (100 - new_percent_) * 56 / 100)) {
      return cancel();
    }
    return replace();
  }

  random_source& rng() { return rng_; }

private:
  struct sent {
    institution_id institution;
    client_order_id id;
    instrument_id instrument;
  };

  std::int64_t lot(instrument_id i) const { return i.value() == 3 ? 5 : 1; }

  instrument_id pick_instrument() {
    if (rng_.chance(0.01)) {
      return instrument_id{99};
    }
    return instrument_id{static_cast<std::uint32_t>(1 + rng_.below(instrument_count))};
  }

  std::int64_t pick_price() {
    if (rng_.chance(0.01)) {
      return -rng_.uniform(0, 3);
    }
    return 1000 + rng_.uniform(-6, 6);
  }

  std::int64_t pick_qty(instrument_id i) {
    const auto r = rng_.below(100);
    if (r < 2) {
      return -rng_.uniform(0, 2);
    }
    if (r < 4) {
      return lot(i) * rng_.uniform(1, 10) + 1; // not on the lot (for lot 1: just another size)
    }
    return lot(i) * rng_.uniform(1, 12);
  }

  new_order_request new_order() {
    new_order_request r{};
    const auto who = static_cast<std::uint32_t>(1 + rng_.below(institution_count));
    r.institution = institution_id{who};
    const auto id_roll = rng_.below(100);
    if (id_roll < 3 && !sent_.empty()) {
      r.id = sent_[rng_.below(sent_.size())].id; // perhaps a duplicate
    } else if (id_roll < 5) {
      r.id = client_order_id{(std::uint64_t{1} << 32) + rng_.below(1000)}; // sparse range
    } else {
      r.id = client_order_id{++next_id_[who]};
    }
    r.instrument = pick_instrument();
    r.side = rng_.chance(0.5) ? side::buy : side::sell;
    r.type = rng_.chance(0.1) ? order_type::market : order_type::limit;
    const auto tif_roll = rng_.below(100);
    r.tif = tif_roll < 65 ? time_in_force::gtc : tif_roll < 85 ? time_in_force::ioc : time_in_force::fok;
    if (r.type == order_type::limit ? !rng_.chance(0.01) : rng_.chance(0.03)) {
      r.limit_price = price{pick_price()};
    }
    r.qty = quantity{pick_qty(r.instrument)};
    sent_.push_back({r.institution, r.id, r.instrument});
    return r;
  }

  sent pick_target() {
    if (sent_.empty() || rng_.chance(0.08)) {
      return {institution_id{static_cast<std::uint32_t>(1 + rng_.below(institution_count))},
              client_order_id{rng_.below(100000)}, pick_instrument()};
    }
    // Mostly recent orders, which are more likely to be live; sometimes any, so that orders left
    // far from the touch do not pile up.
    const std::size_t window = rng_.chance(0.8) ? std::min<std::size_t>(sent_.size(), 300) : sent_.size();
    sent s = sent_[sent_.size() - 1 - rng_.below(window)];
    if (rng_.chance(0.03)) {
      s.instrument = pick_instrument();
    }
    return s;
  }

  // A large market order from an institution that never rests anything: it sweeps one side deep
  // (and keeps books from piling up at the edges of the price range).
  new_order_request sweep() {
    new_order_request r{};
    r.institution = institution_id{institution_count + 1};
    r.id = client_order_id{++next_id_[institution_count + 1]};
    r.instrument = instrument_id{static_cast<std::uint32_t>(1 + rng_.below(instrument_count))};
    r.side = rng_.chance(0.5) ? side::buy : side::sell;
    r.type = order_type::market;
    r.tif = time_in_force::ioc;
    r.qty = quantity{lot(r.instrument) * 200};
    return r;
  }

  cancel_request cancel() {
    const sent s = pick_target();
    return cancel_request{s.institution, s.id, s.instrument};
  }

  replace_request replace() {
    const sent s = pick_target();
    replace_request r{s.institution, s.id, s.instrument};
    const auto what = rng_.below(100);
    if (what < 5) {
      return r; // nothing to replace
    }
    if (what < 60) {
      r.new_price = price{pick_price()};
    }
    if (what >= 40) {
      r.new_open_qty = quantity{pick_qty(s.instrument)};
    }
    return r;
  }

  random_source rng_;
  int new_percent_;
  std::map<std::uint32_t, std::uint64_t> next_id_;
  std::vector<sent> sent_;
};

// Catch's assertions are costly in a Debug build; the hot checks use this and report only failures.
#define MB_ENSURE(condition)                                                                                           \
  do {                                                                                                                 \
    if (!(condition)) {                                                                                                \
      FAIL("invariant failed: " #condition);                                                                           \
    }                                                                                                                  \
  } while (false)

bool same(const execution_report& a, const execution_report& b) {
  return std::tie(a.sequence, a.time, a.instrument, a.order, a.institution, a.client_id, a.type, a.status, a.side,
                  a.ord_type, a.tif, a.order_price, a.order_qty, a.last_price, a.last_qty, a.cum_qty, a.open_qty,
                  a.trade, a.reason) == std::tie(b.sequence, b.time, b.instrument, b.order, b.institution, b.client_id,
                                                 b.type, b.status, b.side, b.ord_type, b.tif, b.order_price,
                                                 b.order_qty, b.last_price, b.last_qty, b.cum_qty, b.open_qty, b.trade,
                                                 b.reason);
}
bool same(const trade& a, const trade& b) {
  const auto party = [](const trade_party& p) { return std::tie(p.order, p.institution, p.client_id); };
  return std::tie(a.sequence, a.time, a.id, a.instrument, a.px, a.qty, a.aggressor) ==
             std::tie(b.sequence, b.time, b.id, b.instrument, b.px, b.qty, b.aggressor) &&
         party(a.buy) == party(b.buy) && party(a.sell) == party(b.sell);
}
bool same(const top_of_book& a, const top_of_book& b) { return a == b; }
bool same(const depth_update& a, const depth_update& b) { return a == b; }
bool same(const any_event& a, const any_event& b) {
  if (a.index() != b.index()) {
    return false;
  }
  return std::visit(
      [&b](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        return same(x, std::get<T>(b));
      },
      a);
}

struct totals {
  std::int64_t bought = 0;
  std::int64_t sold = 0;
  std::int64_t traded = 0;
};

void check_report(const execution_report& e) {
  switch (e.status) {
  case order_status::new_order:
  case order_status::partially_filled:
    MB_ENSURE(e.order_qty == e.cum_qty + e.open_qty);
    MB_ENSURE(e.open_qty > quantity{0});
    break;
  case order_status::filled:
    MB_ENSURE(e.open_qty == quantity{0});
    MB_ENSURE(e.cum_qty == e.order_qty);
    break;
  case order_status::cancelled:
  case order_status::expired:
    MB_ENSURE(e.open_qty == quantity{0});
    MB_ENSURE(e.cum_qty < e.order_qty);
    break;
  case order_status::rejected:
    MB_ENSURE(e.cum_qty == quantity{0});
    MB_ENSURE(e.open_qty == quantity{0});
    MB_ENSURE(e.reason != reject_reason::none);
    break;
  case order_status::pending_new: FAIL("pending_new from the exchange");
  }
  MB_ENSURE(e.cum_qty >= quantity{0});
}

void run_differential(std::uint64_t seed, self_trade_prevention stp, int operations, int new_percent = 50) {
  virtual_clock clock{timestamp{duration{1'000'000}}};
  matcher_config config;
  config.stp = stp;
  config.expected_resting_orders = 64; // small on purpose: storage must grow correctly
  config.expected_levels = 2;
  config.expected_orders = 1000;
  // Seed 2 uses a price table narrower than the price range: levels both in and outside it.
  config.price_window_ticks = seed == 2 ? 8 : 16384;
  order_matcher real{clock, config};
  reference_matcher ref{clock, stp};
  recording_listener recorder;
  real.set_order_listener(&recorder);
  real.set_market_data_listener(&recorder);
  for (std::uint32_t i = 1; i <= instrument_count; ++i) {
    real.add_instrument(instrument_n(i));
    ref.add_instrument(instrument_n(i));
  }

  request_generator gen{seed, new_percent};
  totals sum;
  std::map<std::uint32_t, sequence_number> last_sequence;
  std::size_t events = 0;
  std::size_t trades = 0;
  for (int op = 0; op < operations; ++op) {
    clock.advance_by(duration{1 + static_cast<std::int64_t>(gen.rng().below(1000))});
    if (gen.rng().chance(0.004)) {
      const instrument_id id{static_cast<std::uint32_t>(1 + gen.rng().below(instrument_count))};
      const auto status = real.book(id)->status() == instrument_status::halted || gen.rng().chance(0.5)
                              ? instrument_status::trading
                              : instrument_status::halted;
      real.set_instrument_status(id, status);
      ref.set_instrument_status(id, status);
    }
    const auto request = gen.next();
    std::visit([&](const auto& r) { real.submit(r); }, request);
    std::visit([&](const auto& r) { ref.submit(r); }, request);

    // Same events, field by field.
    const auto& got = recorder.events;
    const auto& want = ref.events;
    const std::size_t n = std::max(got.size(), want.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (i < got.size() && i < want.size() && same(got[i], want[i])) {
        continue;
      }
      const std::string g = i < got.size() ? full_line(got[i]) : "(nothing)";
      const std::string w = i < want.size() ? full_line(want[i]) : "(nothing)";
      if (g != w) {
        INFO("seed " << seed << " stp " << to_string(stp) << " operation " << op << " event " << i);
        std::visit([](const auto& r) { UNSCOPED_INFO(fmt::format("request {}", r)); }, request);
        CHECK(g == w);
        REQUIRE(got.size() == want.size());
      }
    }

    // Invariants on the stream.
    for (const auto& e : got) {
      const auto seq = sequence_of(e);
      const auto inst = instrument_of(e).value();
      if (seq != 0) {
        MB_ENSURE(seq == last_sequence[inst] + 1);
        last_sequence[inst] = seq;
      }
      if (const auto* r = std::get_if<execution_report>(&e)) {
        check_report(*r);
        if (r->type == exec_type::trade) {
          (r->side == side::buy ? sum.bought : sum.sold) += r->last_qty.value();
        }
      } else if (const auto* t = std::get_if<trade>(&e)) {
        MB_ENSURE(t->qty > quantity{0});
        sum.traded += t->qty.value();
        ++trades;
      }
    }
    MB_ENSURE(sum.bought == sum.sold);
    MB_ENSURE(sum.bought == sum.traded);
    events += got.size();
    recorder.events.clear();
    ref.events.clear();

    // Invariants on the books: links, totals, never crossed.
    for (std::uint32_t i = 1; i <= instrument_count; ++i) {
      const order_book* b = real.book(instrument_id{i});
      b->check_invariants();
      const auto top = b->l1();
      if (top.has_bid() && top.has_ask()) {
        MB_ENSURE(top.bid < top.ask);
      }
    }
    MB_ENSURE(real.resting_orders() == ref.resting_count());
    if (op % 997 == 0) {
      for (std::uint32_t i = 1; i <= instrument_count; ++i) {
        CHECK(fmt::format("{}", *real.l2(instrument_id{i}, 1000)) == fmt::format("{}", ref.l2(instrument_id{i}, 1000)));
      }
    }
  }
  // The stream really exercised the engine.
  CHECK(trades > static_cast<std::size_t>(operations) / 10);
  CHECK(events > static_cast<std::size_t>(operations));
}

} // namespace

TEST_CASE("differential: random streams match the reference matcher, self-trade prevention off", "[differential]") {
  run_differential(1, self_trade_prevention::off, 100'000);
}

TEST_CASE("differential: random streams match the reference matcher, cancel resting", "[differential]") {
  run_differential(2, self_trade_prevention::cancel_resting, 100'000);
}

TEST_CASE("differential: random streams match the reference matcher, cancel incoming", "[differential]") {
  run_differential(3, self_trade_prevention::cancel_incoming, 100'000);
}
