#pragma once
// One instrument's limit order book: two sides of price levels, each level a FIFO of resting
// orders (price-time priority). Books are owned and driven by an order_matcher; the public part
// here is read-only.
//
// Layout: price levels live in a per-book vector addressed by index (freed levels are reused).
// Each side keeps a vector of (key, level index) sorted ascending by key, where key is the price
// for bids and minus the price for asks, so the best level is always at the back: best price is
// O(1) and removing the best level is a pop_back. A price-indexed table per side (a window of
// ticks, see matcher_config::price_window_ticks) finds a level in O(1); prices outside it are
// found by a short scan from the back, then binary search. A level that empties stays in place
// (so a price that comes back costs nothing) unless it is the best, which is removed at once:
// the back of each side is never empty. Empty levels are compacted away when they outnumber
// the others. A level's orders form an intrusive doubly linked list of order-pool slots, so a
// cancel is O(1) given the slot.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "minibroker/core/detail/prepared_growth.hpp"
#include "minibroker/core/records.hpp"
#include "minibroker/matching/detail/engine_context.hpp"
#include "minibroker/matching/events.hpp"
#include "minibroker/matching/listeners.hpp"

namespace minibroker {

namespace detail {
struct price_level {
  price px;
  quantity qty; // open quantity of all its orders
  std::uint32_t head = nil;
  std::uint32_t tail = nil; // also the free-list link
  std::uint32_t count = 0;
  minibroker::side side = side::buy;
  bool alive = false;
};
struct level_key {
  std::int64_t key; // px for bids, -px for asks
  std::uint32_t index;
};
} // namespace detail

class order_matcher;

// Thread safety: none; owned by one order_matcher (see there).
class order_book {
public:
  order_book(const instrument& definition, detail::engine_context& context, const matcher_config& config);
  order_book(const order_book&) = delete;
  order_book& operator=(const order_book&) = delete;

  [[nodiscard]] const instrument& definition() const noexcept { return definition_; }
  [[nodiscard]] instrument_id id() const noexcept { return definition_.id; }
  [[nodiscard]] instrument_status status() const noexcept { return definition_.status; }
  // The last sequence number given to an event of this instrument (0 before the first).
  [[nodiscard]] sequence_number last_sequence() const noexcept { return sequence_; }

  [[nodiscard]] top_of_book l1() const noexcept;
  [[nodiscard]] depth_snapshot l2(std::size_t levels) const;
  [[nodiscard]] std::size_t order_count() const noexcept { return orders_; }
  // Price levels with orders on a side. O(levels).
  [[nodiscard]] std::size_t level_count(side s) const noexcept;

  // Walks the whole book and aborts (MINIBROKER_ASSERT) on any broken invariant: sorted sides,
  // links, level totals, not crossed. O(orders); for tests.
  void check_invariants() const;

private:
  friend class order_matcher;
  using levels = core_detail::prepared_vector<detail::level_key>;

  // Requests (called by the matcher after validation). Each records events into the context's
  // buffer; end_request() adds the depth and top-of-book changes.
  void begin_request() noexcept { touched_.clear(); }
  void add(detail::order_data in);
  void cancel(std::uint32_t slot);
  void replace(std::uint32_t slot, price new_px, quantity new_open);
  // Inline for the common case with nothing to publish (no depth or top-of-book listener).
  void end_request() {
    if (!touched_.empty() || interest_.top_of_book || wants_compaction()) {
      publish_changes();
    }
  }
  void publish_changes();
  // Empty levels are dropped when they outnumber the others (amortised O(1) per level).
  [[nodiscard]] bool wants_compaction() const noexcept {
    return empty_levels_ > compaction_floor && empty_levels_ > 2 * (bids_.size() + asks_.size() - empty_levels_);
  }
  void set_status(instrument_status s) noexcept { definition_.status = s; }
  void set_interest(market_data_interest i) noexcept { interest_ = i; }

  // Matches `in` against the opposite side; true when self-trade prevention cancelled it.
  bool match(detail::order_data& in);
  bool match_with_stp(detail::order_data& in);
  void fill(detail::order_data& in, detail::order_data& resting, detail::price_level& lv);
  [[nodiscard]] bool can_fill(const detail::order_data& in) const;
  void rest(std::uint32_t slot);
  void unlink(std::uint32_t slot) noexcept;
  // Drops the order in `slot` (n) from the indexes and frees the slot.
  void forget(std::uint32_t slot, detail::order_node& n) noexcept;
  void remove_resting(std::uint32_t slot) noexcept; // unlink, forget, free (its level may become empty)
  std::uint32_t find_or_add_level(side s, price px);
  void drop_empty_best(side s);
  void free_level(std::uint32_t index) noexcept;
  void compact();
  [[nodiscard]] std::uint32_t* ladder_slot(side s, price px) noexcept;
  void touch(std::uint32_t level_index);

  [[nodiscard]] levels& side_levels(side s) noexcept { return s == side::buy ? bids_ : asks_; }
  [[nodiscard]] const levels& side_levels(side s) const noexcept { return s == side::buy ? bids_ : asks_; }

  void emit_exec(const detail::order_data& d, exec_type type, order_status status,
                 reject_reason reason = reject_reason::none);
  void emit_reject(const detail::order_node* order, institution_id institution, client_order_id id,
                   reject_reason reason);
  void emit_reject_new(const new_order_request& request, reject_reason reason);

  instrument definition_;
  detail::engine_context& ctx_;
  core_detail::prepared_vector<detail::price_level> levels_;
  std::uint32_t free_level_ = detail::nil;
  levels bids_;
  levels asks_;
  std::vector<std::uint32_t> ladder_[2]; // per side: level index by (px - ladder_base_), or nil
  std::int64_t ladder_base_ = 0;
  std::size_t ladder_used_ = 0;  // non-nil ladder entries
  std::size_t empty_levels_ = 0; // levels in the sides' vectors with no orders
  static constexpr std::size_t compaction_floor = 64;
  sequence_number sequence_ = 0;
  timestamp time_; // of the last request
  std::size_t orders_ = 0;
  market_data_interest interest_;

  struct touched_level {
    side s;
    price px;
    std::uint32_t index;
    quantity before_qty;
    std::uint32_t before_count;
  };
  std::vector<touched_level> touched_;
  price published_bid_{0};
  quantity published_bid_qty_{0};
  price published_ask_{0};
  quantity published_ask_qty_{0};
};

} // namespace minibroker
