#include "minibroker/exchange/orders_processor.hpp"

#include <type_traits>
#include <utility>
#include <variant>

#include "minibroker/bus/continuation.hpp"
#include "minibroker/exchange/topology.hpp"

namespace minibroker {

namespace {

// A reject for a request that never reached the matcher. For a cancel or replace of an order the
// storage knows, it carries the order's current state (status unchanged), as the matcher does.
execution_report door_reject(const order_request& request, reject_reason reason, timestamp now,
                             const order_record* order) {
  execution_report e;
  e.time = now;
  e.instrument = instrument_of(request);
  e.institution = institution_of(request);
  e.client_id = client_id_of(request);
  e.type = exec_type::rejected;
  e.status = order_status::rejected;
  e.reason = reason;
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, new_order_request>) {
          e.side = r.side;
          e.ord_type = r.type;
          e.tif = r.tif;
          e.order_price = r.limit_price.value_or(price{});
          e.order_qty = r.qty;
        } else if (order != nullptr) {
          e.order = order->order;
          e.instrument = order->instrument;
          e.status = order->status;
          e.side = order->side;
          e.ord_type = order->type;
          e.tif = order->tif;
          e.order_price = order->limit_price.value_or(price{});
          e.order_qty = order->order_qty;
          e.cum_qty = order->cum_qty;
          e.open_qty = order->open_qty;
        }
      },
      request);
  return e;
}

} // namespace

orders_processor::orders_processor(const clock& clock, orders_storage& storage,
                                   exchange_detail::exchange_counters& counters, logger log)
    : clock_(clock), storage_(storage), counters_(counters), log_(std::move(log)) {}

void orders_processor::connect(bus::bus& bus, bus::topic_ref order_topic) noexcept {
  bus_ = &bus;
  topic_ = order_topic;
}

void orders_processor::on_request(const traced_request& incoming, std::optional<institution_id> session) {
  counters_.requests_received.add();
  traced_request request = incoming;
  const timestamp now = clock_.now();
  request.trace.exchange_received = now;

  const institution_id institution = institution_of(request.request);
  if (!counters_.is_member(institution) || (session && *session != institution)) {
    reject(request, reject_reason::unknown_institution, session.value_or(institution));
    return;
  }
  auto* new_order = std::get_if<new_order_request>(&request.request);
  if (new_order != nullptr) {
    if (storage_.find(institution, new_order->id) != nullptr) {
      reject(request, reject_reason::duplicate_client_order_id, institution);
      return;
    }
  } else if (instrument_of(request.request) == instrument_id{}) {
    if (const order_record* order = storage_.find(institution, client_id_of(request.request))) {
      std::visit(
          [&](auto& r) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(r)>, new_order_request>) {
              r.instrument = order->instrument;
            }
          },
          request.request);
    }
  }

  if (bus_ == nullptr) {
    reject(request, reject_reason::queue_full, institution);
    return;
  }
  auto receipt = bus_->publish(topic_, exchange_names::order_created_key, request);
  if (!receipt || receipt->enqueued == 0) {
    reject(request, reject_reason::queue_full, institution);
    return;
  }
  if (receipt->rejected != 0 || receipt->type_mismatched != 0) {
    // Some queue took it, another refused it: the bus counts the refusal; the request goes on.
    log_.warn("orders processor: order.created reached {} queues, {} refused", receipt->enqueued,
              receipt->rejected + receipt->type_mismatched);
  }
  counters_.requests_forwarded.add();
  if (new_order != nullptr) {
    // Found new above, and nothing has stored it since: reports only update orders the storage knows.
    storage_.insert_new(*new_order, now);
  }
}

void orders_processor::on_report(bus::message<traced_report>& message) {
  counters_.reports_processed.add();
  const execution_report& report = message.payload.report;
  if (!storage_.update(report)) {
    counters_.reports_without_order.add();
  }
  deliver(report.institution, message.payload);
}

void orders_processor::attach(institution_id institution, std::shared_ptr<exchange_detail::session> session) {
  auto [it, inserted] = sessions_.try_emplace(institution);
  if (!inserted) {
    // A drain of the replaced session may be deferred to the running scope (session.hpp).
    bus::drain_scope::keep_until_closed(std::move(it->second.session));
  }
  it->second = attached{std::move(session), counters_.institution(institution)};
}

void orders_processor::detach(institution_id institution, const std::shared_ptr<exchange_detail::session>& session) {
  auto it = sessions_.find(institution);
  if (it != sessions_.end() && it->second.session == session) {
    bus::drain_scope::keep_until_closed(session); // a drain of it may be deferred to the running scope
    sessions_.erase(it);
  }
}

void orders_processor::reject(const traced_request& request, reject_reason reason, institution_id to) {
  const order_record* order = std::holds_alternative<new_order_request>(request.request)
                                  ? nullptr
                                  : storage_.find(institution_of(request.request), client_id_of(request.request));
  counters_.count_door_reject(reason);
  deliver(to, traced_report{door_reject(request.request, reason, clock_.now(), order), request.trace});
}

void orders_processor::deliver(institution_id to, const traced_report& report) {
  auto it = sessions_.find(to);
  if (it == sessions_.end() || !it->second.session->active.load(std::memory_order_acquire)) {
    exchange_detail::institution_counters* counters =
        it == sessions_.end() ? counters_.institution(to) : it->second.counters;
    if (counters != nullptr) {
      counters->undelivered.add();
    } else {
      counters_.unknown_undelivered.add();
    }
    return;
  }
  if (it->second.counters != nullptr) {
    it->second.counters->sent.add();
  }
  exchange_detail::session::send(*it->second.session, report);
}

} // namespace minibroker
