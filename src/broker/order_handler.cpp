#include "minibroker/broker/order_handler.hpp"

#include <utility>
#include <variant>

#include "minibroker/broker/report_keys.hpp"
#include "minibroker/broker/topology.hpp"

namespace minibroker {

namespace {

template <typename... F>
struct overloaded : F... {
  using F::operator()...;
};
template <typename... F>
overloaded(F...) -> overloaded<F...>; // clang 14 does not deduce aggregates yet

// A lot size the exchange would never list; treated as "any quantity" rather than divided by.
bool whole_lots(quantity qty, quantity lot) noexcept { return lot <= quantity{0} || qty.value() % lot.value() == 0; }

bool live(const order_record* r) noexcept { return r != nullptr && !is_final(r->status); }

// The reject of a new order, shaped as the exchange's (emit_reject_new).
execution_report reject_of(const new_order_request& r) {
  execution_report e{};
  e.instrument = r.instrument;
  e.institution = r.institution;
  e.client_id = r.id;
  e.side = r.side;
  e.ord_type = r.type;
  e.tif = r.tif;
  e.order_price = r.limit_price.value_or(price{0});
  e.order_qty = r.qty;
  e.status = order_status::rejected;
  return e;
}

// The reject of a cancel or replace: about the request, so a live order keeps its status.
execution_report reject_of(institution_id institution, client_order_id id, instrument_id instrument,
                           const order_record* order) {
  execution_report e{};
  e.instrument = instrument;
  e.institution = institution;
  e.client_id = id;
  e.status = order_status::rejected;
  if (live(order) && order->instrument == instrument) {
    e.order = order->order;
    e.side = order->side;
    e.ord_type = order->type;
    e.tif = order->tif;
    e.order_price = order->limit_price.value_or(price{0});
    e.order_qty = order->order_qty;
    e.cum_qty = order->cum_qty;
    e.open_qty = order->open_qty;
    e.status = order->status;
  }
  return e;
}

std::string_view request_key(const order_request& request) noexcept {
  switch (request.index()) {
  case 0: return broker_names::order_new_key;
  case 1: return broker_names::order_cancel_key;
  default: return broker_names::order_replace_key;
  }
}

} // namespace

order_handler::order_handler(const clock& clock, institution_id institution, const instruments_cache& instruments,
                             orders_storage& orders, bus::bus& bus, bus::topic_ref topic, logger log)
    : clock_(clock), institution_(institution), instruments_(instruments), orders_(orders), bus_(bus), topic_(topic),
      log_(std::move(log)) {}

void order_handler::submit(order_request request, order_trace trace) {
  const timestamp now = clock_.now();
  trace.broker_received = now;
  if (trace.frontend_sent == timestamp{}) {
    trace.frontend_sent = now;
  }
  ++stats_.received;
  std::visit(overloaded{[this](const new_order_request&) { ++stats_.new_orders; },
                        [this](const cancel_request&) { ++stats_.cancels; },
                        [this](const replace_request&) { ++stats_.replaces; }},
             request);

  const reject_reason reason = std::visit([this](const auto& r) { return check(r); }, request);
  if (reason != reject_reason::none) {
    reject(request, trace, reason, now);
    return;
  }

  // Only the created queue is bound to these keys: a refusal means it is full.
  const auto receipt = bus_.publish(topic_, request_key(request), traced_request{request, trace});
  stats_.requests.record(receipt);
  if (!receipt || receipt->enqueued == 0 || receipt->rejected > 0) {
    reject(request, trace, reject_reason::queue_full, now);
    return;
  }
  ++stats_.accepted;
  // Recorded after the publish (whose handler cannot run before this returns), so a refused
  // publish leaves nothing to undo in the store. check() found the key new.
  if (const auto* order = std::get_if<new_order_request>(&request)) {
    orders_.insert_new(*order, now);
  }
}

// What new orders and replaces check first: the request is this broker's institution's, and its
// instrument is known and trading (`definition` is then the instrument).
reject_reason order_handler::check_tradable(institution_id institution, instrument_id id,
                                            const instrument*& definition) const noexcept {
  if (institution != institution_) {
    return reject_reason::unknown_institution;
  }
  const auto* entry = instruments_.find(id);
  if (entry == nullptr) {
    return reject_reason::unknown_instrument;
  }
  definition = &entry->value;
  return definition->status == instrument_status::halted ? reject_reason::instrument_halted : reject_reason::none;
}

// A cancel or replace names a live order of the broker's on the instrument it names.
template <typename Request>
bool order_handler::names_live_order(const Request& r) const noexcept {
  const order_record* order = orders_.find(r.institution, r.id);
  return live(order) && order->instrument == r.instrument;
}

reject_reason order_handler::check(const new_order_request& r) const noexcept {
  const instrument* definition = nullptr;
  if (const reject_reason reason = check_tradable(r.institution, r.instrument, definition);
      reason != reject_reason::none) {
    return reason;
  }
  if (r.qty <= quantity{0}) {
    return reject_reason::invalid_quantity;
  }
  if (!whole_lots(r.qty, definition->lot_size)) {
    return reject_reason::quantity_not_lot_multiple;
  }
  if (r.type == order_type::market) {
    if (r.limit_price) {
      return reject_reason::price_on_market_order;
    }
  } else if (!r.limit_price || *r.limit_price <= price{0}) {
    return reject_reason::invalid_price;
  }
  if (orders_.find(r.institution, r.id) != nullptr) {
    return reject_reason::duplicate_client_order_id;
  }
  return reject_reason::none;
}

reject_reason order_handler::check(const cancel_request& r) const noexcept {
  if (r.institution != institution_) {
    return reject_reason::unknown_institution;
  }
  if (!instruments_.contains(r.instrument)) {
    return reject_reason::unknown_instrument;
  }
  if (!names_live_order(r)) {
    return reject_reason::unknown_order;
  }
  return reject_reason::none;
}

reject_reason order_handler::check(const replace_request& r) const noexcept {
  const instrument* definition = nullptr;
  if (const reject_reason reason = check_tradable(r.institution, r.instrument, definition);
      reason != reject_reason::none) {
    return reason;
  }
  if (!r.new_price && !r.new_open_qty) {
    return reject_reason::nothing_to_replace;
  }
  if (r.new_open_qty && *r.new_open_qty <= quantity{0}) {
    return reject_reason::invalid_quantity;
  }
  if (r.new_open_qty && !whole_lots(*r.new_open_qty, definition->lot_size)) {
    return reject_reason::quantity_not_lot_multiple;
  }
  if (r.new_price && *r.new_price <= price{0}) {
    return reject_reason::invalid_price;
  }
  if (!names_live_order(r)) {
    return reject_reason::unknown_order;
  }
  return reject_reason::none;
}

void order_handler::reject(const order_request& request, const order_trace& trace, reject_reason reason,
                           timestamp now) {
  ++stats_.rejected[static_cast<std::size_t>(reason)];
  execution_report e =
      std::visit(overloaded{[](const new_order_request& r) { return reject_of(r); },
                            [this](const auto& r) {
                              return reject_of(r.institution, r.id, r.instrument, orders_.find(r.institution, r.id));
                            }},
                 request);
  e.time = now;
  e.type = exec_type::rejected;
  e.reason = reason;
  log_.debug("broker: rejected {}", e);
  stats_.reject_reports.record(
      bus_.publish(topic_, broker_names::report_routing_key(e.status), traced_report{e, trace}));
}

} // namespace minibroker
