#pragma once
// Market data events of the matching engine (execution reports and trades are core records).
// Every event carries the per-instrument sequence number (one counter per instrument across all
// event kinds, strictly increasing from 1) and the timestamp of the request that caused it, taken
// from the matcher's injected clock.

#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "minibroker/core/records.hpp"

namespace minibroker {

// The best bid and ask, published when either's price or quantity changes. A side with no orders
// has quantity 0 and price 0 (use has_bid()/has_ask(); 0 is never a valid limit price).
struct top_of_book {
  sequence_number sequence = 0;
  timestamp time;
  instrument_id instrument;
  price bid;
  quantity bid_qty;
  price ask;
  quantity ask_qty;

  [[nodiscard]] bool has_bid() const noexcept { return bid_qty > quantity{0}; }
  [[nodiscard]] bool has_ask() const noexcept { return ask_qty > quantity{0}; }
  friend bool operator==(const top_of_book&, const top_of_book&) = default;
};

// One price level's new aggregate after a request changed it. qty 0 and orders 0: the level is
// gone. Within one request, updates come bids first (best price first), then asks (best first).
struct depth_update {
  sequence_number sequence = 0;
  timestamp time;
  instrument_id instrument;
  minibroker::side side = side::buy;
  price px;
  quantity qty;
  std::uint32_t orders = 0;
  friend bool operator==(const depth_update&, const depth_update&) = default;
};

struct depth_level {
  price px;
  quantity qty;
  std::uint32_t orders = 0;
  friend bool operator==(const depth_level&, const depth_level&) = default;
};

// L2 on demand: the best `levels` levels per side, best first, as of `sequence`.
struct depth_snapshot {
  sequence_number sequence = 0;
  timestamp time;
  instrument_id instrument;
  std::vector<depth_level> bids;
  std::vector<depth_level> asks;
  friend bool operator==(const depth_snapshot&, const depth_snapshot&) = default;
};

} // namespace minibroker

template <>
struct fmt::formatter<minibroker::top_of_book> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const minibroker::top_of_book& t, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "top{{seq={} instrument={} bid={}x{} ask={}x{} t={}}}", t.sequence, t.instrument,
                          t.bid_qty, t.bid, t.ask_qty, t.ask, t.time.time_since_epoch().count());
  }
};

template <>
struct fmt::formatter<minibroker::depth_update> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const minibroker::depth_update& d, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "depth{{seq={} instrument={} {} {}x{} orders={} t={}}}", d.sequence, d.instrument,
                          d.side, d.qty, d.px, d.orders, d.time.time_since_epoch().count());
  }
};

template <>
struct fmt::formatter<minibroker::depth_level> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const minibroker::depth_level& l, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "{}x{}({})", l.qty, l.px, l.orders);
  }
};

template <>
struct fmt::formatter<minibroker::depth_snapshot> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const minibroker::depth_snapshot& s, fmt::format_context& ctx) const {
    auto out = fmt::format_to(ctx.out(), "l2{{seq={} instrument={} bids=[", s.sequence, s.instrument);
    for (std::size_t i = 0; i < s.bids.size(); ++i) {
      out = fmt::format_to(out, "{}{}", i == 0 ? "" : " ", s.bids[i]);
    }
    out = fmt::format_to(out, "] asks=[");
    for (std::size_t i = 0; i < s.asks.size(); ++i) {
      out = fmt::format_to(out, "{}{}", i == 0 ? "" : " ", s.asks[i]);
    }
    return fmt::format_to(out, "]}}");
  }
};
