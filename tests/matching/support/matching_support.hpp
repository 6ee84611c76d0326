#pragma once
// Test helpers for the matching engine: a recording listener that turns every event into a
// readable blotter line, and a scenario fixture with one-line order helpers.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "minibroker/core/clock.hpp"
#include "minibroker/matching/order_matcher.hpp"

namespace minibroker::testing {

using any_event = std::variant<execution_report, trade, top_of_book, depth_update>;

// Short form, for blotter-style scenario tests. Example lines:
//   "exec new new #1 A/1 buy 10@100 cum=0 open=10"
//   "exec trade partially_filled #1 A/1 buy 10@100 cum=4 open=6 last=4@99 t1"
//   "trade t1 4@99 buy=#1/A/1 sell=#2/B/7 aggressor=buy"
//   "depth buy 10@100 n=1"        "top 10@100 | -"
inline char institution_letter(institution_id i) { return static_cast<char>('A' + i.value() - 1); }

inline std::string blotter_line(const any_event& e) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, execution_report>) {
          std::string s = fmt::format("exec {} {} #{} {}/{} {} {}@{} cum={} open={}", v.type, v.status, v.order,
                                      institution_letter(v.institution), v.client_id, v.side, v.order_qty,
                                      v.order_price, v.cum_qty, v.open_qty);
          if (v.type == exec_type::trade) {
            s += fmt::format(" last={}@{} t{}", v.last_qty, v.last_price, v.trade);
          }
          if (v.reason != reject_reason::none) {
            s += fmt::format(" reason={}", v.reason);
          }
          return s;
        } else if constexpr (std::is_same_v<T, trade>) {
          return fmt::format("trade t{} {}@{} buy=#{}/{}/{} sell=#{}/{}/{} aggressor={}", v.id, v.qty, v.px,
                             v.buy.order, institution_letter(v.buy.institution), v.buy.client_id, v.sell.order,
                             institution_letter(v.sell.institution), v.sell.client_id, v.aggressor);
        } else if constexpr (std::is_same_v<T, depth_update>) {
          return fmt::format("depth {} {}@{} n={}", v.side, v.qty, v.px, v.orders);
        } else {
          const auto side_text = [](quantity q, price p) {
            return q > quantity{0} ? fmt::format("{}@{}", q, p) : std::string{"-"};
          };
          return fmt::format("top {} | {}", side_text(v.bid_qty, v.bid), side_text(v.ask_qty, v.ask));
        }
      },
      e);
}

// Every field, for comparing two engines event by event.
inline std::string full_line(const any_event& e) {
  return std::visit(
      [&e](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, execution_report>) {
          return fmt::format("{} t={} {} {} {} last={}x{} trade={} tif={} type={}", v.sequence,
                             v.time.time_since_epoch().count(), v.instrument, blotter_line(e), v.reason, v.last_qty,
                             v.last_price, v.trade, v.tif, v.ord_type);
        } else if constexpr (std::is_same_v<T, trade>) {
          return fmt::format("{} t={} {} {}", v.sequence, v.time.time_since_epoch().count(), v.instrument,
                             blotter_line(e));
        } else {
          return fmt::format("{} t={} {} {}", v.sequence, v.time.time_since_epoch().count(), v.instrument,
                             blotter_line(e));
        }
      },
      e);
}

[[nodiscard]] inline sequence_number sequence_of(const any_event& e) {
  return std::visit([](const auto& v) { return v.sequence; }, e);
}
[[nodiscard]] inline instrument_id instrument_of(const any_event& e) {
  return std::visit([](const auto& v) { return v.instrument; }, e);
}

class recording_listener : public order_listener, public market_data_listener {
public:
  void on_execution_report(const execution_report& r) override { events.emplace_back(r); }
  void on_trade(const trade& t) override { events.emplace_back(t); }
  void on_top_of_book(const top_of_book& t) override { events.emplace_back(t); }
  void on_depth_update(const depth_update& d) override { events.emplace_back(d); }

  // The blotter lines recorded since the last call.
  std::vector<std::string> take() {
    std::vector<std::string> out;
    for (const auto& e : events) {
      out.push_back(blotter_line(e));
    }
    events.clear();
    return out;
  }

  std::vector<any_event> events;
};

inline instrument make_instrument(std::uint32_t id, std::int64_t lot = 1) {
  instrument i{};
  i.id = instrument_id{id};
  i.symbol = fmt::format("SYM{}", id);
  i.lot_size = quantity{lot};
  i.reference_price = price{100};
  return i;
}

// Institutions are letters in the blotter: A=1, B=2, ...
inline constexpr institution_id A{1};
inline constexpr institution_id B{2};
inline constexpr institution_id C{3};

struct scenario {
  explicit scenario(matcher_config config = {}) : matcher(clock, config) {
    matcher.add_instrument(make_instrument(1));
    matcher.add_instrument(make_instrument(2, 10));
    matcher.set_order_listener(&recorder);
    matcher.set_market_data_listener(&recorder);
  }

  void order(institution_id who, std::uint64_t id, side s, std::int64_t qty, std::optional<std::int64_t> px,
             time_in_force tif = time_in_force::gtc, std::uint32_t instrument = 1) {
    new_order_request r{};
    r.institution = who;
    r.id = client_order_id{id};
    r.instrument = instrument_id{instrument};
    r.side = s;
    r.type = px ? order_type::limit : order_type::market;
    r.tif = tif;
    if (px) {
      r.limit_price = price{*px};
    }
    r.qty = quantity{qty};
    matcher.submit(r);
  }
  void buy(institution_id who, std::uint64_t id, std::int64_t qty, std::int64_t px,
           time_in_force tif = time_in_force::gtc) {
    order(who, id, side::buy, qty, px, tif);
  }
  void sell(institution_id who, std::uint64_t id, std::int64_t qty, std::int64_t px,
            time_in_force tif = time_in_force::gtc) {
    order(who, id, side::sell, qty, px, tif);
  }
  void cancel(institution_id who, std::uint64_t id, std::uint32_t instrument = 1) {
    matcher.submit(cancel_request{who, client_order_id{id}, instrument_id{instrument}});
  }
  void replace(institution_id who, std::uint64_t id, std::optional<std::int64_t> px, std::optional<std::int64_t> qty,
               std::uint32_t instrument = 1) {
    replace_request r{who, client_order_id{id}, instrument_id{instrument}};
    if (px) {
      r.new_price = price{*px};
    }
    if (qty) {
      r.new_open_qty = quantity{*qty};
    }
    matcher.submit(r);
  }
  std::vector<std::string> take() { return recorder.take(); }

  virtual_clock clock{timestamp{duration{1'000}}};
  recording_listener recorder;
  order_matcher matcher;
};

} // namespace minibroker::testing
