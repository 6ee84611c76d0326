#include "minibroker/store/orders_storage.hpp"

#include <algorithm>

#include "minibroker/core/assert.hpp"

namespace minibroker {

std::string_view to_string(upsert_result v) noexcept {
  switch (v) {
  case upsert_result::inserted: return "inserted";
  case upsert_result::updated: return "updated";
  case upsert_result::ignored_stale: return "ignored_stale";
  case upsert_result::ignored_duplicate: return "ignored_duplicate";
  case upsert_result::ignored_reject: return "ignored_reject";
  }
  return "unknown";
}

std::string_view to_string(order_difference::kind v) noexcept {
  switch (v) {
  case order_difference::kind::missing_left: return "missing_left";
  case order_difference::kind::missing_right: return "missing_right";
  case order_difference::kind::mismatch: return "mismatch";
  }
  return "unknown";
}

namespace {

void apply(order_record& r, const execution_report& e) {
  r.instrument = e.instrument;
  r.side = e.side;
  r.type = e.ord_type;
  r.tif = e.tif;
  r.limit_price = e.ord_type == order_type::limit ? std::optional<price>{e.order_price} : std::nullopt;
  r.order_qty = e.order_qty;
  r.cum_qty = e.cum_qty;
  r.open_qty = e.open_qty;
  r.last_update = e.time;
  if (e.sequence != 0) {
    r.last_report_sequence = e.sequence;
  }
  r.reason = e.reason;
}

} // namespace

upsert_result orders_storage::upsert(const new_order_request& request, timestamp time) {
  if (find(request.institution, request.id) != nullptr) {
    ++stats_.ignored_duplicate;
    return upsert_result::ignored_duplicate;
  }
  insert_new(request, time);
  return upsert_result::inserted;
}

void orders_storage::insert_new(const new_order_request& request, timestamp time) {
  order_record r;
  r.institution = request.institution;
  r.client_id = request.id;
  r.instrument = request.instrument;
  r.side = request.side;
  r.type = request.type;
  r.tif = request.tif;
  r.limit_price = request.limit_price;
  r.order_qty = request.qty;
  r.open_qty = request.qty;
  r.status = order_status::pending_new;
  r.last_update = time;
  insert(r); // the index's set() asserts that the key is new
  ++stats_.inserted;
}

upsert_result orders_storage::upsert(const execution_report& report) {
  const std::uint32_t index = by_client_.find(client_key_of(report.institution, report.client_id));
  if (index == detail::nil) {
    order_record r;
    r.institution = report.institution;
    r.client_id = report.client_id;
    r.status = report.status;
    apply(r, report);
    order_record& stored = insert(r);
    if (report.order != order_id{}) {
      set_order_id(stored, report.order, static_cast<std::uint32_t>(records_.size() - 1));
    }
    ++stats_.inserted;
    return upsert_result::inserted;
  }
  return update(index, report);
}

std::optional<upsert_result> orders_storage::update(const execution_report& report) {
  const std::uint32_t index = by_client_.find(client_key_of(report.institution, report.client_id));
  if (index == detail::nil) {
    return std::nullopt;
  }
  return update(index, report);
}

upsert_result orders_storage::update(std::uint32_t index, const execution_report& report) {
  order_record& r = records_[index];
  const bool rejects_another_request = report.type == exec_type::rejected &&
                                       report.reason == reject_reason::duplicate_client_order_id &&
                                       (r.order != order_id{} || r.status != order_status::pending_new);
  if (rejects_another_request) {
    ++stats_.ignored_duplicate;
    return upsert_result::ignored_duplicate;
  }
  // A reject about an order that was already acknowledged is about a cancel or replace of it
  // (unknown_order when it had just finished, instrument_halted, ...): the order is as it was.
  // Applying it would turn a filled order into a rejected one.
  if (report.type == exec_type::rejected && (r.order != order_id{} || r.status != order_status::pending_new)) {
    ++stats_.ignored_reject;
    return upsert_result::ignored_reject;
  }
  if (report.sequence != 0 && r.last_report_sequence != 0 && report.sequence <= r.last_report_sequence) {
    ++stats_.ignored_stale;
    return upsert_result::ignored_stale;
  }
  apply(r, report);
  set_status(r, report.status);
  if (report.order != r.order && report.order != order_id{}) { // most reports repeat the order's id
    set_order_id(r, report.order, index);
  }
  ++stats_.updated;
  return upsert_result::updated;
}

std::size_t orders_storage::live_count() const noexcept {
  return count(order_status::pending_new) + count(order_status::new_order) + count(order_status::partially_filled);
}

order_record& orders_storage::insert(const order_record& record) {
  MINIBROKER_ASSERT(records_.size() < detail::nil);
  const auto index = static_cast<std::uint32_t>(records_.size());
  order_record& stored = records_.push_back(record);
  stored.order = order_id{}; // indexed by set_order_id
  by_client_.set(client_key_of(record.institution, record.client_id), index);
  ++by_status_[static_cast<std::size_t>(record.status)];
  return stored;
}

void orders_storage::set_status(order_record& record, order_status status) noexcept {
  --by_status_[static_cast<std::size_t>(record.status)];
  record.status = status;
  ++by_status_[static_cast<std::size_t>(status)];
}

void orders_storage::set_order_id(order_record& record, order_id id, std::uint32_t index) {
  // The callers skip a report without an id (a reject before the exchange assigned one) and one
  // that repeats the record's.
  MINIBROKER_ASSERT(id != order_id{} && id != record.order);
  if (record.order != order_id{} && by_order_.find(order_key_of(record.order)) == index) {
    by_order_.erase(order_key_of(record.order));
  }
  record.order = id;
  // A report carrying an id another record holds moves the id here.
  const detail::client_key key = order_key_of(id);
  if (by_order_.find(key) != detail::nil) {
    by_order_.erase(key);
  }
  by_order_.set(key, index);
}

std::vector<order_difference> diff_orders(const orders_storage& left, const orders_storage& right) {
  std::vector<order_difference> out;
  for (const order_record& l : left) {
    const client_order_key key{l.institution, l.client_id};
    const order_record* r = right.find(key);
    if (r == nullptr) {
      out.push_back({key, order_difference::kind::missing_right, l.status, std::nullopt, l.cum_qty, std::nullopt});
    } else if (l.status != r->status || l.cum_qty != r->cum_qty) {
      out.push_back({key, order_difference::kind::mismatch, l.status, r->status, l.cum_qty, r->cum_qty});
    }
  }
  for (const order_record& r : right) {
    const client_order_key key{r.institution, r.client_id};
    if (left.find(key) == nullptr) {
      out.push_back({key, order_difference::kind::missing_left, std::nullopt, r.status, std::nullopt, r.cum_qty});
    }
  }
  std::sort(out.begin(), out.end(), [](const order_difference& a, const order_difference& b) { return a.key < b.key; });
  return out;
}

} // namespace minibroker
