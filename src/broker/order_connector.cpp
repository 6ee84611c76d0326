#include "minibroker/broker/order_connector.hpp"

#include <utility>
#include <variant>

#include "minibroker/broker/report_keys.hpp"

namespace minibroker {

order_connector::order_connector(const clock& clock, order_gateway& gateway, orders_storage& orders, bus::bus& bus,
                                 bus::topic_ref topic, logger log)
    : clock_(clock), gateway_(gateway), orders_(orders), bus_(bus), topic_(topic), log_(std::move(log)) {}

boost::system::result<void> order_connector::start(const bus::queue_ref<traced_request>& requests,
                                                   const boost::asio::any_io_executor& executor) {
  gateway_.set_listener(*this, executor);
  return bus_.subscribe(requests, executor, [this](bus::message<traced_request>& m) { send(m.payload); });
}

void order_connector::send(const traced_request& request) {
  switch (request.request.index()) {
  case 0: ++stats_.sent_new; break;
  case 1: ++stats_.sent_cancel; break;
  default: ++stats_.sent_replace; break;
  }
  gateway_.send(request);
}

void order_connector::on_report(const traced_report& report) {
  ++stats_.reports_received;
  ++stats_.reports_by_type[static_cast<std::size_t>(report.report.type)];
  if (report.report.institution != gateway_.institution()) {
    ++stats_.foreign;
    log_.warn("broker: dropped a report for another institution: {}", report.report);
    return;
  }
  apply(report.report);
  traced_report stamped = report;
  stamped.trace.report_received = clock_.now();
  const std::string_view key = broker_names::report_routing_key(stamped.report.status);
  stats_.reports.record(bus_.publish(topic_, key, std::move(stamped)));
}

void order_connector::apply(const execution_report& report) {
  switch (orders_.upsert(report)) {
  case upsert_result::inserted:
    ++stats_.applied;
    ++stats_.unknown_order_reports;
    log_.warn("broker: a report for an order the broker never recorded: {}", report);
    break;
  case upsert_result::updated: ++stats_.applied; break;
  case upsert_result::ignored_stale: ++stats_.ignored_stale; break;
  case upsert_result::ignored_duplicate: ++stats_.ignored_duplicate; break;
  case upsert_result::ignored_reject: ++stats_.kept; break; // a cancel or replace refused: the order is as it was
  }
}

} // namespace minibroker
