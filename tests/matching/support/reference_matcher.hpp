#pragma once
// A deliberately simple matcher, for differential testing: all resting orders of all instruments
// in one std::vector, every decision a linear scan, depth changes found by comparing the whole
// book before and after each request. Slow and obviously right; the real engine must produce
// exactly the same events.

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "matching_support.hpp"

namespace minibroker::testing {

class reference_matcher {
public:
  reference_matcher(const clock& clk, self_trade_prevention stp) : clock_(clk), stp_(stp) {}

  void add_instrument(const instrument& def) { books_.push_back(book{def}); }
  void set_instrument_status(instrument_id id, instrument_status status) {
    if (book* b = find_book(id)) {
      b->def.status = status;
    }
  }

  std::vector<any_event> events;

  void submit(const new_order_request& r) {
    now_ = clock_.now();
    book* b = find_book(r.instrument);
    if (b == nullptr) {
      execution_report e{};
      e.time = now_;
      e.instrument = r.instrument;
      e.institution = r.institution;
      e.client_id = r.id;
      e.type = exec_type::rejected;
      e.status = order_status::rejected;
      e.side = r.side;
      e.ord_type = r.type;
      e.tif = r.tif;
      e.order_price = r.limit_price.value_or(price{0});
      e.order_qty = r.qty;
      e.reason = reject_reason::unknown_instrument;
      events.emplace_back(e);
      return;
    }
    const auto before = depth(b->def.id);
    reject_reason reason = reject_reason::none;
    if (b->def.status == instrument_status::halted) {
      reason = reject_reason::instrument_halted;
    } else if (r.qty.value() <= 0) {
      reason = reject_reason::invalid_quantity;
    } else if (r.qty.value() % b->def.lot_size.value() != 0) {
      reason = reject_reason::quantity_not_lot_multiple;
    } else if (r.type == order_type::market && r.limit_price.has_value()) {
      reason = reject_reason::price_on_market_order;
    } else if (r.type == order_type::limit && (!r.limit_price || r.limit_price->value() <= 0)) {
      reason = reject_reason::invalid_price;
    } else if (used_.contains({r.institution.value(), r.id.value()})) {
      reason = reject_reason::duplicate_client_order_id;
    }
    if (reason != reject_reason::none) {
      execution_report e{};
      e.sequence = ++b->sequence;
      e.time = now_;
      e.instrument = r.instrument;
      e.institution = r.institution;
      e.client_id = r.id;
      e.type = exec_type::rejected;
      e.status = order_status::rejected;
      e.side = r.side;
      e.ord_type = r.type;
      e.tif = r.tif;
      e.order_price = r.limit_price.value_or(price{0});
      e.order_qty = r.qty;
      e.reason = reason;
      events.emplace_back(e);
    } else {
      used_.insert({r.institution.value(), r.id.value()});
      order o{};
      o.id = order_id{++last_order_id_};
      o.institution = r.institution;
      o.client_id = r.id;
      o.instrument = r.instrument;
      o.side = r.side;
      o.type = r.type;
      o.tif = r.tif;
      o.px = r.type == order_type::market ? price{0} : *r.limit_price;
      o.open = r.qty;
      report(*b, o, exec_type::new_order, order_status::new_order);
      if (o.tif == time_in_force::fok && !fillable(o)) {
        report(*b, o, exec_type::expired, order_status::expired);
      } else if (!match(*b, o) && o.open.value() > 0) {
        if (o.type == order_type::limit && o.tif == time_in_force::gtc) {
          o.priority = ++last_priority_;
          resting_.push_back(o);
        } else {
          report(*b, o, exec_type::expired, order_status::expired);
        }
      }
    }
    finish(*b, before);
  }

  void submit(const cancel_request& r) {
    now_ = clock_.now();
    book* b = find_book(r.instrument);
    if (b == nullptr) {
      reject_unknown_instrument(r.institution, r.id, r.instrument);
      return;
    }
    const auto before = depth(b->def.id);
    const auto i = find_resting(r.institution, r.id, r.instrument);
    if (!i) {
      reject(*b, nullptr, r.institution, r.id, reject_reason::unknown_order);
    } else {
      report(*b, resting_[*i], exec_type::cancelled, order_status::cancelled);
      resting_.erase(resting_.begin() + static_cast<std::ptrdiff_t>(*i));
    }
    finish(*b, before);
  }

  void submit(const replace_request& r) {
    now_ = clock_.now();
    book* b = find_book(r.instrument);
    if (b == nullptr) {
      reject_unknown_instrument(r.institution, r.id, r.instrument);
      return;
    }
    const auto before = depth(b->def.id);
    const auto i = find_resting(r.institution, r.id, r.instrument);
    reject_reason reason = reject_reason::none;
    if (b->def.status == instrument_status::halted) {
      reason = reject_reason::instrument_halted;
    } else if (!r.new_price && !r.new_open_qty) {
      reason = reject_reason::nothing_to_replace;
    } else if (r.new_open_qty && r.new_open_qty->value() <= 0) {
      reason = reject_reason::invalid_quantity;
    } else if (r.new_open_qty && r.new_open_qty->value() % b->def.lot_size.value() != 0) {
      reason = reject_reason::quantity_not_lot_multiple;
    } else if (r.new_price && r.new_price->value() <= 0) {
      reason = reject_reason::invalid_price;
    } else if (!i) {
      reason = reject_reason::unknown_order;
    }
    if (reason != reject_reason::none) {
      reject(*b, i ? &resting_[*i] : nullptr, r.institution, r.id, reason);
    } else {
      order o = resting_[*i];
      const price new_px = r.new_price.value_or(o.px);
      const quantity new_open = r.new_open_qty.value_or(o.open);
      if (new_px == o.px && new_open <= o.open) {
        resting_[*i].open = new_open;
        report(*b, resting_[*i], exec_type::replaced, live_status(resting_[*i]));
      } else {
        resting_.erase(resting_.begin() + static_cast<std::ptrdiff_t>(*i));
        o.px = new_px;
        o.open = new_open;
        report(*b, o, exec_type::replaced, live_status(o));
        if (!match(*b, o) && o.open.value() > 0) {
          o.priority = ++last_priority_;
          resting_.push_back(o);
        }
      }
    }
    finish(*b, before);
  }

  [[nodiscard]] depth_snapshot l2(instrument_id id, std::size_t levels) const {
    depth_snapshot s{};
    const book* b = find_book(id);
    s.sequence = b->sequence;
    s.instrument = id;
    for (const auto& [key, agg] : depth(id)) {
      const auto& [sd, px] = key;
      (sd == side::buy ? s.bids : s.asks).push_back(depth_level{px, agg.first, agg.second});
    }
    std::reverse(s.bids.begin(), s.bids.end()); // best (highest) first
    if (s.bids.size() > levels) {
      s.bids.resize(levels);
    }
    if (s.asks.size() > levels) {
      s.asks.resize(levels);
    }
    return s;
  }

  [[nodiscard]] std::size_t resting_count() const { return resting_.size(); }

private:
  struct order {
    order_id id;
    institution_id institution;
    client_order_id client_id;
    instrument_id instrument;
    minibroker::side side = side::buy;
    order_type type = order_type::limit;
    time_in_force tif = time_in_force::gtc;
    price px;
    quantity open;
    quantity cum;
    std::uint64_t priority = 0;
  };
  struct book {
    instrument def;
    sequence_number sequence = 0;
    price bid, ask;
    quantity bid_qty, ask_qty;
  };
  using depth_map = std::map<std::pair<side, price>, std::pair<quantity, std::uint32_t>>;

  book* find_book(instrument_id id) {
    for (auto& b : books_) {
      if (b.def.id == id) {
        return &b;
      }
    }
    return nullptr;
  }
  const book* find_book(instrument_id id) const {
    for (const auto& b : books_) {
      if (b.def.id == id) {
        return &b;
      }
    }
    return nullptr;
  }

  std::optional<std::size_t> find_resting(institution_id who, client_order_id id, instrument_id instrument) const {
    for (std::size_t i = 0; i < resting_.size(); ++i) {
      if (resting_[i].institution == who && resting_[i].client_id == id && resting_[i].instrument == instrument) {
        return i;
      }
    }
    return std::nullopt;
  }

  static order_status live_status(const order& o) {
    return o.cum.value() > 0 ? order_status::partially_filled : order_status::new_order;
  }

  static bool crosses(const order& in, const order& r) {
    if (in.type == order_type::market) {
      return true;
    }
    return in.side == side::buy ? r.px <= in.px : r.px >= in.px;
  }

  // Resting orders `in` may trade with, best first (price, then time).
  std::vector<std::size_t> opposite(const order& in) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < resting_.size(); ++i) {
      const order& r = resting_[i];
      if (r.instrument == in.instrument && r.side != in.side && crosses(in, r)) {
        out.push_back(i);
      }
    }
    std::sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
      const order& x = resting_[a];
      const order& y = resting_[b];
      if (x.px != y.px) {
        return in.side == side::buy ? x.px < y.px : x.px > y.px;
      }
      return x.priority < y.priority;
    });
    return out;
  }

  // The best of them, by one scan.
  std::optional<std::size_t> best_opposite(const order& in) const {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < resting_.size(); ++i) {
      const order& r = resting_[i];
      if (r.instrument != in.instrument || r.side == in.side || !crosses(in, r)) {
        continue;
      }
      if (!best) {
        best = i;
        continue;
      }
      const order& b = resting_[*best];
      const bool better_price = in.side == side::buy ? r.px < b.px : r.px > b.px;
      if (better_price || (r.px == b.px && r.priority < b.priority)) {
        best = i;
      }
    }
    return best;
  }

  bool fillable(const order& in) const {
    std::int64_t available = 0;
    for (const std::size_t i : opposite(in)) {
      const order& r = resting_[i];
      if (stp_ != self_trade_prevention::off && r.institution == in.institution) {
        if (stp_ == self_trade_prevention::cancel_incoming) {
          break;
        }
        continue;
      }
      available += r.open.value();
    }
    return available >= in.open.value();
  }

  // True when self-trade prevention cancelled `in`.
  bool match(book& b, order& in) {
    while (in.open.value() > 0) {
      const auto best = best_opposite(in);
      if (!best) {
        return false;
      }
      const std::size_t i = *best;
      order& r = resting_[i];
      if (stp_ != self_trade_prevention::off && r.institution == in.institution) {
        if (stp_ == self_trade_prevention::cancel_incoming) {
          report(b, in, exec_type::cancelled, order_status::cancelled, reject_reason::self_trade);
          return true;
        }
        report(b, r, exec_type::cancelled, order_status::cancelled, reject_reason::self_trade);
        resting_.erase(resting_.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      const quantity q{std::min(in.open.value(), r.open.value())};
      in.open -= q;
      in.cum += q;
      r.open -= q;
      r.cum += q;
      trade t{};
      t.sequence = ++b.sequence;
      t.time = now_;
      t.id = trade_id{++last_trade_id_};
      t.instrument = in.instrument;
      t.px = r.px;
      t.qty = q;
      t.aggressor = in.side;
      const order& buyer = in.side == side::buy ? in : r;
      const order& seller = in.side == side::buy ? r : in;
      t.buy = trade_party{buyer.id, buyer.institution, buyer.client_id};
      t.sell = trade_party{seller.id, seller.institution, seller.client_id};
      events.emplace_back(t);
      fill(b, in, r.px, q, t.id);
      fill(b, r, r.px, q, t.id);
      if (r.open.value() == 0) {
        resting_.erase(resting_.begin() + static_cast<std::ptrdiff_t>(i));
      }
    }
    return false;
  }

  void report(book& b, const order& o, exec_type type, order_status status,
              reject_reason reason = reject_reason::none) {
    execution_report e{};
    e.sequence = ++b.sequence;
    e.time = now_;
    e.instrument = o.instrument;
    e.order = o.id;
    e.institution = o.institution;
    e.client_id = o.client_id;
    e.type = type;
    e.status = status;
    e.side = o.side;
    e.ord_type = o.type;
    e.tif = o.tif;
    e.order_price = o.px;
    e.order_qty = o.cum + o.open;
    e.cum_qty = o.cum;
    const bool done = status == order_status::cancelled || status == order_status::expired;
    e.open_qty = done ? quantity{0} : o.open;
    e.reason = reason;
    events.emplace_back(e);
  }

  void fill(book& b, const order& o, price px, quantity q, trade_id id) {
    execution_report e{};
    e.sequence = ++b.sequence;
    e.time = now_;
    e.instrument = o.instrument;
    e.order = o.id;
    e.institution = o.institution;
    e.client_id = o.client_id;
    e.type = exec_type::trade;
    e.status = o.open.value() == 0 ? order_status::filled : order_status::partially_filled;
    e.side = o.side;
    e.ord_type = o.type;
    e.tif = o.tif;
    e.order_price = o.px;
    e.order_qty = o.cum + o.open;
    e.last_price = px;
    e.last_qty = q;
    e.cum_qty = o.cum;
    e.open_qty = o.open;
    e.trade = id;
    events.emplace_back(e);
  }

  void reject(book& b, const order* o, institution_id who, client_order_id id, reject_reason reason) {
    if (o != nullptr) {
      report(b, *o, exec_type::rejected, live_status(*o), reason);
      return;
    }
    execution_report e{};
    e.sequence = ++b.sequence;
    e.time = now_;
    e.instrument = b.def.id;
    e.institution = who;
    e.client_id = id;
    e.type = exec_type::rejected;
    e.status = order_status::rejected;
    e.reason = reason;
    events.emplace_back(e);
  }

  void reject_unknown_instrument(institution_id who, client_order_id id, instrument_id instrument) {
    execution_report e{};
    e.time = now_;
    e.instrument = instrument;
    e.institution = who;
    e.client_id = id;
    e.type = exec_type::rejected;
    e.status = order_status::rejected;
    e.reason = reject_reason::unknown_instrument;
    events.emplace_back(e);
  }

  depth_map depth(instrument_id id) const {
    depth_map m;
    for (const auto& o : resting_) {
      if (o.instrument == id) {
        auto& agg = m[{o.side, o.px}];
        agg.first += o.open;
        ++agg.second;
      }
    }
    return m;
  }

  // Depth changes (bids best first, then asks best first), then top of book if it changed.
  void finish(book& b, const depth_map& before) {
    const auto after = depth(b.def.id);
    std::set<std::pair<side, price>> keys;
    for (const auto& [k, v] : before) {
      keys.insert(k);
    }
    for (const auto& [k, v] : after) {
      keys.insert(k);
    }
    std::vector<std::pair<side, price>> ordered(keys.begin(), keys.end());
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& x, const auto& y) {
      if (x.first != y.first) {
        return x.first == side::buy;
      }
      return x.first == side::buy ? x.second > y.second : x.second < y.second;
    });
    const auto get = [](const depth_map& m, const std::pair<side, price>& k) {
      const auto it = m.find(k);
      return it == m.end() ? std::pair<quantity, std::uint32_t>{quantity{0}, 0} : it->second;
    };
    for (const auto& k : ordered) {
      const auto was = get(before, k);
      const auto now = get(after, k);
      if (was != now) {
        depth_update d{};
        d.sequence = ++b.sequence;
        d.time = now_;
        d.instrument = b.def.id;
        d.side = k.first;
        d.px = k.second;
        d.qty = now.first;
        d.orders = now.second;
        events.emplace_back(d);
      }
    }
    price bid{0}, ask{0};
    quantity bid_qty{0}, ask_qty{0};
    for (const auto& [k, v] : after) {
      if (k.first == side::buy) {
        bid = k.second; // the last (highest) wins
        bid_qty = v.first;
      } else if (ask_qty.value() == 0) {
        ask = k.second; // the first (lowest) wins
        ask_qty = v.first;
      }
    }
    if (bid != b.bid || ask != b.ask || bid_qty != b.bid_qty || ask_qty != b.ask_qty) {
      b.bid = bid;
      b.ask = ask;
      b.bid_qty = bid_qty;
      b.ask_qty = ask_qty;
      events.emplace_back(top_of_book{++b.sequence, now_, b.def.id, bid, bid_qty, ask, ask_qty});
    }
  }

  const clock& clock_;
  self_trade_prevention stp_;
  timestamp now_;
  std::vector<book> books_;
  std::vector<order> resting_;
  std::set<std::pair<std::uint32_t, std::uint64_t>> used_;
  std::uint64_t last_order_id_ = 0;
  std::uint64_t last_trade_id_ = 0;
  std::uint64_t last_priority_ = 0;
};

} // namespace minibroker::testing
