#include "minibroker/matching/order_book.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "minibroker/core/assert.hpp"

namespace minibroker {

using detail::nil;
using detail::order_data;
using detail::order_node;
using detail::price_level;

namespace {

// Appends an event of type E built from its fields, in the order they are declared. With
// parenthesised aggregate initialisation (C++20: GCC 10, clang 16) it is constructed in the
// buffer's slot; older compilers (clang 14 builds the fuzz targets) build it as a temporary and
// move it there. The events are the same either way.
template <typename E, typename... Fields>
[[gnu::always_inline]] inline void emplace_event(std::vector<detail::event>& events, Fields&&... fields) {
#if defined(__cpp_aggregate_paren_init) && __cpp_aggregate_paren_init >= 201902L
  events.emplace_back(std::in_place_type<E>, std::forward<Fields>(fields)...);
#else
  events.emplace_back(std::in_place_type<E>, E{std::forward<Fields>(fields)...});
#endif
}

[[nodiscard]] std::int64_t key_of(side s, price px) noexcept { return s == side::buy ? px.value() : -px.value(); }

[[nodiscard]] order_status live_status(const order_data& d) noexcept {
  return d.cum > quantity{0} ? order_status::partially_filled : order_status::new_order;
}

// Whether `in` may trade with a resting order at `resting`.
[[nodiscard]] bool crosses(const order_data& in, price resting) noexcept {
  if (in.type == order_type::market) {
    return true;
  }
  return in.side == side::buy ? resting <= in.px : resting >= in.px;
}

// First position whose key is >= k; near the back (the touch) by a short scan, else by bisection.
[[nodiscard]] std::size_t lower_position(const core_detail::prepared_vector<detail::level_key>& v,
                                         std::int64_t k) noexcept {
  std::size_t p = v.size();
  const std::size_t stop = p > 8 ? p - 8 : 0;
  while (p > stop && v[p - 1].key >= k) {
    --p;
  }
  if (p == stop && stop > 0 && v[p - 1].key >= k) {
    const auto it = std::lower_bound(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(p), k,
                                     [](const detail::level_key& a, std::int64_t b) { return a.key < b; });
    p = static_cast<std::size_t>(it - v.begin());
  }
  return p;
}

} // namespace

order_book::order_book(const instrument& definition, detail::engine_context& context, const matcher_config& config)
    : definition_(definition), ctx_(context) {
  levels_.reserve(config.expected_levels * 2);
  bids_.reserve(config.expected_levels);
  asks_.reserve(config.expected_levels);
  touched_.reserve(64);
  for (auto& l : ladder_) {
    l.assign(config.price_window_ticks, nil);
  }
  ladder_base_ = definition.reference_price.value() - static_cast<std::int64_t>(config.price_window_ticks / 2);
}

// ---------------------------------------------------------------------------------------------
// Events

// Events are constructed in the buffer's slot from their fields (emplace_event), neither default-constructed first (a
// `rep stos` of 120 bytes per report) nor copied there from a temporary (which cost a third of a sweep's recording:
// three events per fill).
[[gnu::always_inline]] inline void order_book::emit_exec(const order_data& d, exec_type type, order_status status,
                                                         reject_reason reason) {
  emplace_event<execution_report>(ctx_.events, ++sequence_, ctx_.now, definition_.id, d.id, d.institution, d.client_id,
                                  type, status, d.side, d.type, d.tif, d.px, d.cum + d.open, price{0}, quantity{0},
                                  d.cum, is_final(status) ? quantity{0} : d.open, trade_id{}, reason);
}

void order_book::emit_reject(const order_node* order, institution_id institution, client_order_id id,
                             reject_reason reason) {
  time_ = ctx_.now;
  if (order != nullptr) {
    emit_exec(order->d, exec_type::rejected, live_status(order->d), reason);
    return;
  }
  auto& e = std::get<execution_report>(ctx_.events.emplace_back(std::in_place_type<execution_report>));
  e.sequence = ++sequence_;
  e.time = ctx_.now;
  e.instrument = definition_.id;
  e.institution = institution;
  e.client_id = id;
  e.type = exec_type::rejected;
  e.status = order_status::rejected;
  e.reason = reason;
}

void order_book::emit_reject_new(const new_order_request& request, reject_reason reason) {
  time_ = ctx_.now;
  auto& e = std::get<execution_report>(ctx_.events.emplace_back(std::in_place_type<execution_report>));
  e.sequence = ++sequence_;
  e.time = ctx_.now;
  e.instrument = definition_.id;
  e.institution = request.institution;
  e.client_id = request.id;
  e.type = exec_type::rejected;
  e.status = order_status::rejected;
  e.side = request.side;
  e.ord_type = request.type;
  e.tif = request.tif;
  e.order_price = request.limit_price.value_or(price{0});
  e.order_qty = request.qty;
  e.reason = reason;
}

// ---------------------------------------------------------------------------------------------
// Levels

std::uint32_t* order_book::ladder_slot(side s, price px) noexcept {
  auto& l = ladder_[s == side::buy ? 0 : 1];
  const std::uint64_t d = static_cast<std::uint64_t>(px.value()) - static_cast<std::uint64_t>(ladder_base_);
  return d < l.size() ? &l[d] : nullptr;
}

std::uint32_t order_book::find_or_add_level(side s, price px) {
  if (bids_.empty() && asks_.empty()) {
    // No level anywhere, so the table is all nil: centre it where trading happens now.
    MINIBROKER_ASSERT(ladder_used_ == 0);
    ladder_base_ = px.value() - static_cast<std::int64_t>(ladder_[0].size() / 2);
  }
  std::uint32_t* const slot = ladder_slot(s, px);
  if (slot != nullptr && *slot != nil) {
    return *slot;
  }
  auto& v = side_levels(s);
  const std::int64_t k = key_of(s, px);
  const std::size_t p = lower_position(v, k);
  if (slot == nullptr && p < v.size() && v[p].key == k) {
    return v[p].index;
  }
  std::uint32_t index = free_level_;
  if (index != nil) {
    free_level_ = levels_[index].tail;
  } else {
    index = static_cast<std::uint32_t>(levels_.size());
    levels_.emplace_back();
    core_detail::prepare_growth(levels_);
  }
  price_level& lv = levels_[index];
  lv.px = px;
  lv.qty = quantity{0};
  lv.head = nil;
  lv.tail = nil;
  lv.count = 0;
  lv.side = s;
  lv.alive = true;
  v.insert(v.begin() + static_cast<std::ptrdiff_t>(p), detail::level_key{k, index});
  core_detail::prepare_growth(v);
  if (slot != nullptr) {
    *slot = index;
    ++ladder_used_;
  }
  ++empty_levels_; // until its first order
  return index;
}

void order_book::free_level(std::uint32_t index) noexcept {
  price_level& lv = levels_[index];
  MINIBROKER_ASSERT(lv.alive && lv.count == 0 && lv.qty == quantity{0});
  if (std::uint32_t* slot = ladder_slot(lv.side, lv.px); slot != nullptr) {
    MINIBROKER_ASSERT(*slot == index);
    *slot = nil;
    --ladder_used_;
  }
  lv.alive = false;
  lv.tail = free_level_;
  free_level_ = index;
  --empty_levels_;
}

// Keeps the invariant that the back of a side (its best level) has orders.
void order_book::drop_empty_best(side s) {
  auto& v = side_levels(s);
  while (!v.empty() && levels_[v.back().index].count == 0) {
    free_level(v.back().index);
    v.pop_back();
  }
}

// Drops every empty level (when they outnumber the others: amortised O(1) per level).
void order_book::compact() {
  for (levels* v : {&bids_, &asks_}) {
    std::erase_if(*v, [this](const detail::level_key& key) {
      if (levels_[key.index].count != 0) {
        return false;
      }
      free_level(key.index);
      return true;
    });
  }
}

// Remembers a level's aggregate before the request first changes it (call before changing it).
void order_book::touch(std::uint32_t level_index) {
  if (!interest_.depth) {
    return;
  }
  const price_level& lv = levels_[level_index];
  for (auto& t : touched_) {
    if (t.px == lv.px && t.s == lv.side) {
      t.index = level_index;
      return;
    }
  }
  touched_.push_back(touched_level{lv.side, lv.px, level_index, lv.qty, lv.count});
}

// ---------------------------------------------------------------------------------------------
// Orders

void order_book::rest(std::uint32_t slot) {
  order_node& n = ctx_.pool[slot];
  const std::uint32_t li = find_or_add_level(n.d.side, n.d.px);
  touch(li);
  price_level& lv = levels_[li];
  if (lv.count == 0) {
    --empty_levels_;
  }
  n.level = li;
  n.prev = lv.tail;
  n.next = nil;
  if (lv.tail != nil) {
    ctx_.pool[lv.tail].next = slot;
  } else {
    lv.head = slot;
  }
  lv.tail = slot;
  lv.qty += n.d.open;
  ++lv.count;
  ++orders_;
}

[[gnu::always_inline]] inline void order_book::unlink(std::uint32_t slot) noexcept {
  order_node& n = ctx_.pool[slot];
  price_level& lv = levels_[n.level];
  if (n.prev != nil) {
    ctx_.pool[n.prev].next = n.next;
  } else {
    lv.head = n.next;
  }
  if (n.next != nil) {
    ctx_.pool[n.next].prev = n.prev;
  } else {
    lv.tail = n.prev;
  }
  lv.qty -= n.d.open;
  if (--lv.count == 0) {
    ++empty_levels_;
  }
  --orders_;
  n.level = nil;
}

[[gnu::always_inline]] inline void order_book::forget(std::uint32_t slot, order_node& n) noexcept {
  ctx_.live_by_client.erase(detail::client_key{n.d.institution, n.d.client_id});
  ctx_.live_by_id.erase(n.d.id);
  ctx_.pool.release(slot, n);
}

[[gnu::always_inline]] inline void order_book::remove_resting(std::uint32_t slot) noexcept {
  unlink(slot);
  forget(slot, ctx_.pool[slot]);
}

bool order_book::can_fill(const order_data& in) const {
  quantity need = in.open;
  const levels& opp = side_levels(opposite(in.side));
  for (std::size_t i = opp.size(); i-- > 0;) {
    const price_level& lv = levels_[opp[i].index];
    if (!crosses(in, lv.px)) {
      return false;
    }
    if (ctx_.stp == self_trade_prevention::off) {
      need -= lv.qty;
      if (need <= quantity{0}) {
        return true;
      }
      continue;
    }
    for (std::uint32_t slot = lv.head; slot != nil; slot = ctx_.pool[slot].next) {
      const order_node& o = ctx_.pool[slot];
      if (o.d.institution == in.institution) {
        if (ctx_.stp == self_trade_prevention::cancel_incoming) {
          return false;
        }
        continue;
      }
      need -= o.d.open;
      if (need <= quantity{0}) {
        return true;
      }
    }
  }
  return false;
}

// One trade between `in` and the order at the front of `lv`: both orders' quantities, the level's,
// and the trade's events (the trade, the aggressor's report, the resting order's), recorded as one
// entry of the buffer (detail::fill_events).
[[gnu::always_inline]] inline void order_book::fill(order_data& in, order_data& resting, price_level& lv) {
  const quantity q = std::min(in.open, resting.open);
  const trade_id tid{++ctx_.last_trade_id};
  in.open -= q;
  in.cum += q;
  resting.open -= q;
  resting.cum += q;
  lv.qty -= q;
  ctx_.events.emplace_back(std::in_place_type<detail::fill_events>, sequence_, interest_.trades, ctx_.now,
                           definition_.id, tid, lv.px, q, in, resting);
  sequence_ += detail::fill_events::numbers_taken(interest_.trades);
}

// Without self-trade prevention. Each fill's branches follow what the fill did: a resting order
// left with quantity ends the sweep (the aggressor is done) before any removal; a filled one comes
// off the front of its queue without unlink()'s general case; the level's emptying is read from
// its new head. A fill beyond a sweep's first took 13-22 cycles (about 15%) less than in the
// general loop (match_with_stp), with only 18 instructions fewer (BENCHMARKS.md, matching, ninth
// session).
bool order_book::match(order_data& in) {
  MINIBROKER_ASSERT(in.open > quantity{0});
  if (ctx_.stp != self_trade_prevention::off) [[unlikely]] {
    return match_with_stp(in);
  }
  levels& opp = side_levels(opposite(in.side));
  while (!opp.empty()) {
    const std::uint32_t li = opp.back().index;
    if (!crosses(in, levels_[li].px)) {
      return false;
    }
    touch(li);
    price_level& lv = levels_[li]; // levels_ does not grow while matching
    while (true) {
      const std::uint32_t slot = lv.head;
      order_node& resting = ctx_.pool[slot];
      fill(in, resting.d, lv);
      if (resting.d.open != quantity{0}) {
        return false; // the aggressor is done; the resting order keeps its place
      }
      const std::uint32_t next = resting.next;
      lv.head = next;
      if (next != nil) {
        ctx_.pool[next].prev = nil;
      } else {
        lv.tail = nil;
      }
      --lv.count;
      --orders_;
      resting.level = nil;
      forget(slot, resting);
      if (next == nil) {
        // The best level emptied: it goes at once (the back of a side always has orders). The level
        // behind it has orders too unless it emptied earlier: that rare case is drop_empty_best()'s.
        ++empty_levels_;
        free_level(li);
        opp.pop_back();
        if (!opp.empty() && levels_[opp.back().index].count == 0) [[unlikely]] {
          drop_empty_best(opposite(in.side));
        }
        break;
      }
      if (in.open == quantity{0}) {
        return false;
      }
    }
    if (in.open == quantity{0}) {
      return false;
    }
  }
  return false;
}

bool order_book::match_with_stp(order_data& in) {
  levels& opp = side_levels(opposite(in.side));
  const self_trade_prevention stp = ctx_.stp;
  while (in.open > quantity{0} && !opp.empty()) {
    const std::uint32_t li = opp.back().index;
    if (!crosses(in, levels_[li].px)) {
      break;
    }
    touch(li);
    price_level& lv = levels_[li]; // levels_ does not grow while matching
    while (true) {
      const std::uint32_t slot = lv.head;
      order_node& resting = ctx_.pool[slot];
      if (resting.d.institution == in.institution) {
        if (stp == self_trade_prevention::cancel_incoming) {
          emit_exec(in, exec_type::cancelled, order_status::cancelled, reject_reason::self_trade);
          return true;
        }
        emit_exec(resting.d, exec_type::cancelled, order_status::cancelled, reject_reason::self_trade);
        remove_resting(slot);
      } else {
        fill(in, resting.d, lv);
        if (resting.d.open == quantity{0}) {
          remove_resting(slot);
        }
      }
      if (lv.count == 0) {
        drop_empty_best(opposite(in.side));
        break;
      }
      if (in.open == quantity{0}) {
        break;
      }
    }
  }
  return false;
}

void order_book::add(order_data in) {
  time_ = ctx_.now;
  emit_exec(in, exec_type::new_order, order_status::new_order);
  if (in.tif == time_in_force::fok && !can_fill(in)) {
    emit_exec(in, exec_type::expired, order_status::expired);
    return;
  }
  // Most new orders cross nothing: that is checked here, without match()'s call and frame.
  if (const levels& opp = side_levels(opposite(in.side)); !opp.empty() && crosses(in, levels_[opp.back().index].px)) {
    if (match(in) || in.open == quantity{0}) {
      return;
    }
  }
  if (in.type == order_type::market || in.tif != time_in_force::gtc) {
    emit_exec(in, exec_type::expired, order_status::expired);
    return;
  }
  const std::uint32_t slot = ctx_.pool.allocate();
  order_node& n = ctx_.pool[slot];
  n.d = in;
  n.instrument = definition_.id;
  rest(slot);
  ctx_.live_by_client.set(detail::client_key{in.institution, in.client_id}, slot);
  ctx_.live_by_id.set(in.id, slot);
}

void order_book::cancel(std::uint32_t slot) {
  time_ = ctx_.now;
  const order_node& n = ctx_.pool[slot];
  const std::uint32_t li = n.level;
  touch(li);
  const side s = n.d.side;
  emit_exec(n.d, exec_type::cancelled, order_status::cancelled);
  remove_resting(slot);
  if (levels_[li].count == 0) {
    drop_empty_best(s);
  }
}

void order_book::replace(std::uint32_t slot, price new_px, quantity new_open) {
  time_ = ctx_.now;
  order_node& n = ctx_.pool[slot];
  const std::uint32_t li = n.level;
  touch(li);
  if (new_px == n.d.px && new_open <= n.d.open) {
    // Keeps its place in the queue.
    levels_[li].qty -= n.d.open - new_open;
    n.d.open = new_open;
    emit_exec(n.d, exec_type::replaced, live_status(n.d));
    return;
  }
  unlink(slot);
  if (levels_[li].count == 0) {
    drop_empty_best(n.d.side);
  }
  n.d.px = new_px;
  n.d.open = new_open;
  emit_exec(n.d, exec_type::replaced, live_status(n.d));
  // The order is in no level now, so matching cannot meet it; its slot stays put. Most replaces
  // cross nothing: that is checked here, without match()'s call and frame (as in add()).
  if (const levels& opp = side_levels(opposite(n.d.side)); !opp.empty() && crosses(n.d, levels_[opp.back().index].px)) {
    if (match(n.d) || n.d.open == quantity{0}) {
      forget(slot, n);
      return;
    }
  }
  rest(slot);
}

void order_book::publish_changes() {
  if (wants_compaction()) [[unlikely]] {
    compact();
  }
  if (touched_.size() > 1) {
    std::sort(touched_.begin(), touched_.end(), [](const touched_level& a, const touched_level& b) {
      if (a.s != b.s) {
        return a.s == side::buy;
      }
      return a.s == side::buy ? a.px > b.px : a.px < b.px;
    });
  }
  for (const auto& t : touched_) {
    const price_level& lv = levels_[t.index];
    quantity qty{0};
    std::uint32_t count = 0;
    if (lv.alive && lv.side == t.s && lv.px == t.px) {
      qty = lv.qty;
      count = lv.count;
    }
    if (qty != t.before_qty || count != t.before_count) {
      auto& d = std::get<depth_update>(ctx_.events.emplace_back(std::in_place_type<depth_update>));
      d.sequence = ++sequence_;
      d.time = ctx_.now;
      d.instrument = definition_.id;
      d.side = t.s;
      d.px = t.px;
      d.qty = qty;
      d.orders = count;
    }
  }
  touched_.clear();

  if (!interest_.top_of_book) {
    return;
  }
  price bid{0};
  quantity bid_qty{0};
  price ask{0};
  quantity ask_qty{0};
  if (!bids_.empty()) {
    const price_level& lv = levels_[bids_.back().index];
    bid = lv.px;
    bid_qty = lv.qty;
  }
  if (!asks_.empty()) {
    const price_level& lv = levels_[asks_.back().index];
    ask = lv.px;
    ask_qty = lv.qty;
  }
  if (bid != published_bid_ || bid_qty != published_bid_qty_ || ask != published_ask_ ||
      ask_qty != published_ask_qty_) {
    published_bid_ = bid;
    published_bid_qty_ = bid_qty;
    published_ask_ = ask;
    published_ask_qty_ = ask_qty;
    auto& t = std::get<top_of_book>(ctx_.events.emplace_back(std::in_place_type<top_of_book>));
    t.sequence = ++sequence_;
    t.time = ctx_.now;
    t.instrument = definition_.id;
    t.bid = bid;
    t.bid_qty = bid_qty;
    t.ask = ask;
    t.ask_qty = ask_qty;
  }
}

// ---------------------------------------------------------------------------------------------
// Snapshots and checks

top_of_book order_book::l1() const noexcept {
  top_of_book t{};
  t.sequence = sequence_;
  t.time = time_;
  t.instrument = definition_.id;
  if (!bids_.empty()) {
    const price_level& lv = levels_[bids_.back().index];
    t.bid = lv.px;
    t.bid_qty = lv.qty;
  }
  if (!asks_.empty()) {
    const price_level& lv = levels_[asks_.back().index];
    t.ask = lv.px;
    t.ask_qty = lv.qty;
  }
  return t;
}

depth_snapshot order_book::l2(std::size_t depth) const {
  depth_snapshot s{};
  s.sequence = sequence_;
  s.time = time_;
  s.instrument = definition_.id;
  const auto fill = [&](const levels& v, std::vector<depth_level>& out) {
    out.reserve(std::min(depth, v.size()));
    for (std::size_t i = v.size(); i-- > 0 && out.size() < depth;) {
      const price_level& lv = levels_[v[i].index];
      if (lv.count != 0) {
        out.push_back(depth_level{lv.px, lv.qty, lv.count});
      }
    }
  };
  fill(bids_, s.bids);
  fill(asks_, s.asks);
  return s;
}

std::size_t order_book::level_count(side s) const noexcept {
  const levels& v = side_levels(s);
  return static_cast<std::size_t>(
      std::count_if(v.begin(), v.end(), [this](const detail::level_key& k) { return levels_[k.index].count != 0; }));
}

void order_book::check_invariants() const {
  std::size_t orders = 0;
  std::size_t alive = 0;
  std::size_t empty = 0;
  std::size_t in_ladder = 0;
  for (const side s : {side::buy, side::sell}) {
    const levels& v = side_levels(s);
    for (std::size_t i = 0; i < v.size(); ++i) {
      MINIBROKER_ASSERT(i == 0 || v[i - 1].key < v[i].key);
      MINIBROKER_ASSERT(v[i].index < levels_.size());
      const price_level& lv = levels_[v[i].index];
      MINIBROKER_ASSERT(lv.alive && lv.side == s && key_of(s, lv.px) == v[i].key);
      MINIBROKER_ASSERT(lv.px > price{0});
      MINIBROKER_ASSERT(lv.count > 0 || i + 1 < v.size()); // the best level has orders
      empty += lv.count == 0 ? 1 : 0;
      if (const std::uint32_t* slot = const_cast<order_book*>(this)->ladder_slot(s, lv.px); slot != nullptr) {
        MINIBROKER_ASSERT(*slot == v[i].index);
        ++in_ladder;
      }
      quantity qty{0};
      std::uint32_t count = 0;
      std::uint32_t prev = nil;
      for (std::uint32_t slot = lv.head; slot != nil; slot = ctx_.pool[slot].next) {
        const order_node& n = ctx_.pool[slot];
        MINIBROKER_ASSERT(n.prev == prev && n.level == v[i].index && n.instrument == definition_.id);
        MINIBROKER_ASSERT(n.d.side == s && n.d.px == lv.px && n.d.open > quantity{0});
        MINIBROKER_ASSERT(n.d.type == order_type::limit && n.d.tif == time_in_force::gtc);
        MINIBROKER_ASSERT(ctx_.live_by_client.find(detail::client_key{n.d.institution, n.d.client_id}) == slot);
        MINIBROKER_ASSERT(ctx_.live_by_id.find(n.d.id) == slot);
        qty += n.d.open;
        ++count;
        prev = slot;
      }
      MINIBROKER_ASSERT(lv.tail == prev && lv.qty == qty && lv.count == count);
      orders += count;
      ++alive;
    }
  }
  std::size_t alive_in_storage = 0;
  for (const auto& lv : levels_) {
    alive_in_storage += lv.alive ? 1 : 0;
  }
  MINIBROKER_ASSERT(alive == alive_in_storage);
  MINIBROKER_ASSERT(empty == empty_levels_);
  MINIBROKER_ASSERT(in_ladder == ladder_used_);
  MINIBROKER_ASSERT(orders == orders_);
  if (!bids_.empty() && !asks_.empty()) {
    MINIBROKER_ASSERT(levels_[bids_.back().index].px < levels_[asks_.back().index].px);
  }
}

} // namespace minibroker
