#pragma once
// orders_storage: the state of every order, by exchange order id and by (institution, client
// order id). The exchange's orders processor and the broker's order store both keep one and
// update it from execution reports; the broker also records its requests before the exchange
// has seen them (pending_new, no order id yet).
//
// Rules, so that replays and both views stay consistent:
// - The primary key is (institution, client order id); the order id is a second index, set when
//   a report first carries one (and moved if a later report carries another).
// - A request never overwrites an existing order: upsert(request) on a known key is
//   ignored_duplicate, and so is the exchange's duplicate_client_order_id reject for a key
//   that already belongs to an acknowledged order (it is about the second request, not the
//   order we have).
// - Reports are sequence numbered per instrument: a report whose sequence is not greater than
//   the last one applied to the order is stale and ignored (ignored_stale). Sequence 0 means
//   "unsequenced" and always applies.
// - Every outcome is counted (stats()); nothing is dropped silently.
//
// Lookups by either key are O(1); iteration is in insertion order; orders are never removed
// (memory grows with the number of orders, as the simulation's final broker-versus-exchange check
// needs them all). Both indexes are paged tables (the matcher's detail::client_slot_index): client
// ids and order ids are counters in practice, so recent orders sit together and a lookup reads a
// line that is likely in cache, where a hash map of a million orders reads a random one and
// rehashes them all as it grows. Ids far from any counter go to a hash map inside the index.
//
// Thread safety: none inside. A storage has one owner (one strand); other threads post() to it.
// Record pointers and iterators stay valid across upserts (records never move).

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "minibroker/core/clock.hpp"
#include "minibroker/core/enums.hpp"
#include "minibroker/core/ids.hpp"
#include "minibroker/core/price.hpp"
#include "minibroker/core/records.hpp"
#include "minibroker/matching/detail/client_slot_index.hpp"
#include "minibroker/store/detail/chunked_vector.hpp"

namespace minibroker {

struct order_record {
  order_id order; // zero until the exchange assigns one
  institution_id institution;
  client_order_id client_id;
  instrument_id instrument;
  minibroker::side side = side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::gtc;
  std::optional<price> limit_price; // absent for market orders
  quantity order_qty;
  quantity cum_qty;
  quantity open_qty;
  order_status status = order_status::pending_new;
  timestamp last_update;                    // the time of the last request or report applied
  sequence_number last_report_sequence = 0; // 0: no sequenced report applied yet
  reject_reason reason = reject_reason::none;

  friend bool operator==(const order_record&, const order_record&) = default;
};

struct client_order_key {
  institution_id institution;
  client_order_id id;
  friend constexpr auto operator<=>(const client_order_key&, const client_order_key&) = default;
};

enum class upsert_result : std::uint8_t {
  inserted,
  updated,
  ignored_stale,     // a report older than (or the same as) one already applied
  ignored_duplicate, // a second request, or the reject of one, for a key already in use
  ignored_reject,    // the reject of a cancel or replace of an acknowledged order: it is unchanged
};
std::string_view to_string(upsert_result v) noexcept;

struct orders_storage_stats {
  std::uint64_t inserted = 0;
  std::uint64_t updated = 0;
  std::uint64_t ignored_stale = 0;
  std::uint64_t ignored_duplicate = 0;
  std::uint64_t ignored_reject = 0;
};

class orders_storage {
public:
  using const_iterator = store_detail::chunked_vector<order_record>::const_iterator;

  // The broker side: the order as requested, pending_new, no order id yet.
  upsert_result upsert(const new_order_request& request, timestamp time);
  // upsert(request) for a key the caller has just looked up and not found (its duplicate check),
  // with nothing stored since: the same record, without a second lookup.
  void insert_new(const new_order_request& request, timestamp time);
  // The normal path: the order's state as the report says.
  upsert_result upsert(const execution_report& report);
  // upsert(report) for an order the storage knows; for another, nothing is stored (not even
  // counted) and the result is nullopt. One lookup where find() then upsert() take two.
  std::optional<upsert_result> update(const execution_report& report);

  // Inline: the exchange and the broker look an order up for nearly every request and report.
  [[nodiscard]] const order_record* find(order_id id) const noexcept {
    return id == order_id{} ? nullptr : at(by_order_.find(order_key_of(id)));
  }
  [[nodiscard]] const order_record* find(institution_id institution, client_order_id id) const noexcept {
    return at(by_client_.find(client_key_of(institution, id)));
  }
  [[nodiscard]] const order_record* find(const client_order_key& key) const noexcept {
    return find(key.institution, key.id);
  }

  [[nodiscard]] std::size_t size() const noexcept { return records_.size(); }
  [[nodiscard]] bool empty() const noexcept { return records_.empty(); }
  // How many orders are in this status now. O(1).
  [[nodiscard]] std::size_t count(order_status status) const noexcept {
    return by_status_[static_cast<std::size_t>(status)];
  }
  // Orders not yet final (pending_new, new_order, partially_filled).
  [[nodiscard]] std::size_t live_count() const noexcept;
  [[nodiscard]] const orders_storage_stats& stats() const noexcept { return stats_; }

  // Insertion order.
  [[nodiscard]] const_iterator begin() const noexcept { return records_.begin(); }
  [[nodiscard]] const_iterator end() const noexcept { return records_.end(); }

private:
  static detail::client_key client_key_of(institution_id institution, client_order_id id) noexcept {
    return detail::client_key{institution, id};
  }
  // The order-id index reuses the client-id table, under an institution no member has.
  static detail::client_key order_key_of(order_id id) noexcept {
    return detail::client_key{institution_id{0}, client_order_id{id.value()}};
  }
  order_record& insert(const order_record& record);
  upsert_result update(std::uint32_t index, const execution_report& report);
  void set_status(order_record& record, order_status status) noexcept;
  void set_order_id(order_record& record, order_id id, std::uint32_t index);
  [[nodiscard]] const order_record* at(std::uint32_t index) const noexcept {
    return index == detail::nil ? nullptr : &records_[index];
  }

  store_detail::chunked_vector<order_record> records_;
  detail::client_slot_index by_client_{0, 0}; // (institution, client order id) -> index in records_
  detail::client_slot_index by_order_{0, 0};  // (institution 0, order id) -> index in records_
  std::array<std::size_t, order_status_count> by_status_{};
  orders_storage_stats stats_;
};

// One order on which two storages disagree, by (institution, client order id).
struct order_difference {
  enum class kind : std::uint8_t {
    missing_left,  // only the right storage has it
    missing_right, // only the left storage has it
    mismatch,      // both have it, with a different status or cum qty (or both)
  };
  client_order_key key;
  kind what = kind::mismatch;
  std::optional<order_status> left_status; // absent when the left storage lacks the order
  std::optional<order_status> right_status;
  std::optional<quantity> left_cum_qty;
  std::optional<quantity> right_cum_qty;

  friend bool operator==(const order_difference&, const order_difference&) = default;
};
std::string_view to_string(order_difference::kind v) noexcept;

// Compares two views of the same orders (the broker's and the exchange's) on status and cum qty.
// Sorted by (institution, client order id); empty when they agree. O(n + m + d log d).
[[nodiscard]] std::vector<order_difference> diff_orders(const orders_storage& left, const orders_storage& right);

} // namespace minibroker

template <>
struct fmt::formatter<minibroker::order_record> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const minibroker::order_record& r, fmt::format_context& ctx) const {
    auto out = fmt::format_to(
        ctx.out(), "order{{inst={} id={} order={} instrument={} {} {} {} {} qty={} cum={} open={}", r.institution,
        r.client_id, r.order, r.instrument, r.status, r.side, r.type, r.tif, r.order_qty, r.cum_qty, r.open_qty);
    if (r.limit_price) {
      out = fmt::format_to(out, " px={}", *r.limit_price);
    }
    if (r.reason != minibroker::reject_reason::none) {
      out = fmt::format_to(out, " reason={}", r.reason);
    }
    return fmt::format_to(out, " seq={}}}", r.last_report_sequence);
  }
};

template <>
struct fmt::formatter<minibroker::order_difference> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const minibroker::order_difference& d, fmt::format_context& ctx) const {
    auto out =
        fmt::format_to(ctx.out(), "diff{{inst={} id={} {}", d.key.institution, d.key.id, minibroker::to_string(d.what));
    if (d.left_status) {
      out = fmt::format_to(out, " left={}/{}", *d.left_status, d.left_cum_qty.value_or(minibroker::quantity{}));
    }
    if (d.right_status) {
      out = fmt::format_to(out, " right={}/{}", *d.right_status, d.right_cum_qty.value_or(minibroker::quantity{}));
    }
    return fmt::format_to(out, "}}");
  }
};

template <>
struct fmt::formatter<minibroker::upsert_result> : fmt::formatter<std::string_view> {
  auto format(minibroker::upsert_result v, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(minibroker::to_string(v), ctx);
  }
};
