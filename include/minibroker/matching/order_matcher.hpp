#pragma once
// The matching engine: one order_book per instrument, driven by requests, reporting through
// listeners.
//
// Flow: submit() validates a request (each failure has its own reject_reason), lets the book
// match it, and records every resulting event (execution reports, trades, depth and top-of-book
// changes) into a reusable buffer. Only when the book is consistent again are the events
// delivered to the listeners, in sequence order. A listener may call submit() from inside a
// callback: the request is queued and processed after the current dispatch, in the order received.
//
// Rules (see docs in the tests, which read like blotters):
// - Price-time priority; a trade executes at the resting order's price.
// - Every accepted order first gets an exec report `new` (carrying its order id), then its trades.
// - GTC limit remainders rest. IOC, FOK and market remainders do not: they end with an exec report
//   of type and status `expired` (open quantity 0). A FOK that cannot fill completely at once
//   trades nothing and expires. Market orders never rest whatever their time in force; market +
//   FOK is all-or-nothing at any price.
// - Cancel removes a resting order (exec `cancelled`). Cancel or replace of an order that is
//   unknown, finished, or on another instrument: reject unknown_order.
// - Replace sets a new price and/or a new open quantity. The order keeps its queue position only
//   when the price is unchanged and the open quantity does not grow; otherwise it goes to the back
//   of its (new) level, and a new price that crosses trades at once as an aggressor. Exec
//   `replaced` comes first, then any trades.
// - A client order id, once accepted from an institution, is never accepted again from it, not
//   even after the order finished (reject duplicate_client_order_id). Rejected orders do not use
//   up their id.
// - New orders and replaces on a halted instrument: reject instrument_halted. Cancels still work.
// - Validation order, new: unknown_instrument, instrument_halted, invalid_quantity,
//   quantity_not_lot_multiple, price_on_market_order / invalid_price (missing or <= 0),
//   duplicate_client_order_id. Replace: unknown_instrument, instrument_halted, nothing_to_replace,
//   invalid_quantity, quantity_not_lot_multiple, invalid_price, unknown_order.
// - Rejects of cancel/replace for a live order carry its current state (status unchanged) and the
//   reason; otherwise order id 0 and status rejected. Rejects for an unknown instrument carry
//   sequence 0 (there is no instrument to count them).
// - Events of one request: its exec reports and trades as they happen (for each fill: the trade,
//   then the aggressor's report, then the resting order's), then depth updates of the levels
//   whose aggregate changed (bids best first, then asks best first), then top of book if the best
//   bid or ask price or quantity changed. All share the request's timestamp.
//
// Thread safety: none. An order_matcher is single-owner: one thread (or one strand) calls
// everything, including from inside listener callbacks. Two matchers are fully independent.
//
// Steady state allocates nothing per request: orders come from a chunked pool with a free list,
// the indexes and buffers are reserved from matcher_config.

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "minibroker/core/clock.hpp"
#include "minibroker/core/records.hpp"
#include "minibroker/matching/config.hpp"
#include "minibroker/matching/detail/client_id_registry.hpp"
#include "minibroker/matching/detail/engine_context.hpp"
#include "minibroker/matching/events.hpp"
#include "minibroker/matching/listeners.hpp"
#include "minibroker/matching/order_book.hpp"

namespace minibroker {

// A copy of a resting order's state.
struct resting_order {
  order_id id;
  institution_id institution;
  client_order_id client_id;
  instrument_id instrument;
  minibroker::side side = side::buy;
  price px;
  quantity open;
  quantity cum;
};

class order_matcher {
public:
  explicit order_matcher(const clock& clock, const matcher_config& config = {});
  ~order_matcher();
  order_matcher(const order_matcher&) = delete;
  order_matcher& operator=(const order_matcher&) = delete;

  // Listeners are not owned; nullptr (the default) means nothing is delivered to that audience.
  // The market data listener's interest() is read here: market data it does not want is not
  // delivered and takes no sequence numbers (top of book and depth are not even computed).
  void set_order_listener(order_listener* listener) noexcept { order_listener_ = listener; }
  void set_market_data_listener(market_data_listener* listener);

  // Adds a book. Throws std::invalid_argument for an id already present or a lot size <= 0
  // (configuration time only).
  void add_instrument(const instrument& definition);
  // False when the instrument is unknown.
  bool set_instrument_status(instrument_id id, instrument_status status);

  void submit(const new_order_request& request);
  void submit(const cancel_request& request);
  void submit(const replace_request& request);

  using any_request = std::variant<new_order_request, cancel_request, replace_request>;
  // Each request in turn, exactly as submit() one by one. When the book is larger than the
  // caches, it reads ahead: the orders that the next cancels and replaces touch (the index
  // entry, the order, its neighbours in the queue) are prefetched while the current one runs.
  void submit(std::span<const any_request> batch);

  // Snapshots; nullopt for an unknown instrument.
  [[nodiscard]] std::optional<top_of_book> l1(instrument_id id) const;
  [[nodiscard]] std::optional<depth_snapshot> l2(instrument_id id, std::size_t levels) const;
  [[nodiscard]] const order_book* book(instrument_id id) const noexcept;

  // Resting orders, O(1).
  [[nodiscard]] std::optional<resting_order> find(order_id id) const;
  [[nodiscard]] std::optional<resting_order> find(institution_id institution, client_order_id id) const;
  [[nodiscard]] std::size_t resting_orders() const noexcept { return ctx_.pool.live(); }

  [[nodiscard]] const matcher_config& config() const noexcept { return config_; }

private:
  [[nodiscard]] order_book* find_book(instrument_id id) noexcept {
    if (id.value() < books_by_small_id_.size()) [[likely]] {
      return books_by_small_id_[id.value()];
    }
    return find_large_book(id);
  }
  [[nodiscard]] order_book* find_large_book(instrument_id id) noexcept;
  [[nodiscard]] const detail::order_node* live_order(institution_id institution, client_order_id id,
                                                     std::uint32_t& slot) const noexcept;
  template <typename Request>
  void submit_one(const Request& request);
  void process(const new_order_request& request);
  void process(const cancel_request& request);
  void process(const replace_request& request);
  template <typename Request>
  void reject_unknown_instrument(const Request& request);
  template <typename Request>
  [[nodiscard]] order_book* book_for(const Request& request);
  template <typename Request>
  [[nodiscard]] const detail::order_node* named_order(const Request& request, std::uint32_t& slot) const noexcept;
  void dispatch();
  void drain();
  [[nodiscard]] resting_order view(const detail::order_node& node) const;

  const clock& clock_;
  matcher_config config_;
  detail::engine_context ctx_;
  detail::client_id_registry client_ids_;
  std::vector<std::unique_ptr<order_book>> books_;
  boost::unordered_flat_map<std::uint32_t, order_book*> books_by_id_;
  static constexpr std::uint32_t small_id_limit = 1U << 16;
  std::vector<order_book*> books_by_small_id_; // direct index for ids below small_id_limit
  order_listener* order_listener_ = nullptr;
  market_data_listener* market_data_listener_ = nullptr;
  market_data_interest market_data_interest_{false, false, false};
  bool dispatching_ = false;
  std::deque<any_request> pending_;
};

} // namespace minibroker
