#pragma once
// Listener interfaces, split by audience. The matcher calls them only after the book is
// consistent again, in sequence order; a listener may submit new requests from inside a callback
// (they are queued and processed after the current dispatch, in order).

#include "minibroker/core/records.hpp"
#include "minibroker/matching/events.hpp"

namespace minibroker {

// The trader's side: what happened to each order.
class order_listener {
public:
  virtual ~order_listener() = default;
  virtual void on_execution_report(const execution_report& report) = 0;
};

// Which market data a listener consumes. The matcher asks once, when the listener is set, and
// does not deliver the rest: top of book and depth it does not compute at all (keeping per-level
// depth is a sixth of its work); an unwanted trade is written beside its fill's reports, which
// share its entry, and dropped there.
struct market_data_interest {
  bool trades = true;
  bool top_of_book = true;
  bool depth = true;
};

// Market data's side. Each callback has an empty default, so a listener overrides what it needs;
// one that ignores some events says so in interest().
class market_data_listener {
public:
  virtual ~market_data_listener() = default;
  [[nodiscard]] virtual market_data_interest interest() const { return {}; }
  virtual void on_trade(const trade& /*t*/) {}
  virtual void on_top_of_book(const top_of_book& /*top*/) {}
  virtual void on_depth_update(const depth_update& /*update*/) {}
};

} // namespace minibroker
