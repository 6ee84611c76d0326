#include "minibroker/sim/order_file_source.hpp"

#include <stdexcept>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>
#include <fmt/format.h>

namespace minibroker {

order_file_source::order_file_source(std::vector<broker*> brokers, const replay::order_file_names& names,
                                     std::vector<replay::order_file_entry> entries)
    : brokers_(std::move(brokers)), names_(names), entries_(std::move(entries)) {
  if (brokers_.size() < names_.institutions.size()) {
    throw std::invalid_argument("order_file_source: one broker per institution of the file");
  }
}

void order_file_source::start() {
  if (started_) {
    return;
  }
  started_ = true;
  const auto& known = brokers_.front()->instruments();
  for (const instrument& wanted : names_.instruments.all()) {
    std::optional<instrument_id> found;
    known.for_each([&](const instrument_id& id, const auto& entry) {
      const instrument& listed = entry.value;
      if (listed.symbol == wanted.symbol) {
        if (!(listed.tick_size == wanted.tick_size)) {
          throw std::runtime_error(fmt::format("{} has tick size {} at the exchange but {} for the order file",
                                               wanted.symbol, listed.tick_size.to_string(),
                                               wanted.tick_size.to_string()));
        }
        found = id;
      }
    });
    exchange_ids_.push_back(found);
  }
  for (std::size_t i = 0; i < brokers_.size(); ++i) {
    broker& b = *brokers_[i];
    auto queue = b.declare_report_queue("ORDER_FILE_SOURCE_REPORTS_QUEUE");
    if (!queue) {
      throw boost::system::system_error(queue.error(), "order_file_source: report queue");
    }
    auto subscribed =
        b.bus().subscribe(*queue, b.executor(), [this, i](bus::message<traced_report>& m) { report(i, m.payload); });
    if (!subscribed) {
      throw boost::system::system_error(subscribed.error(), "order_file_source: subscribe");
    }
  }
  for (const auto& entry : entries_) {
    if (std::holds_alternative<replay::line_error>(entry.content)) {
      ++stats_.line_errors;
    } else {
      ++stats_.operations;
    }
  }
  send_next();
}

void order_file_source::report(std::size_t broker, const traced_report& traced) {
  const execution_report& r = traced.report;
  ++stats_.reports;
  stats_.fills += r.type == exec_type::trade ? 1 : 0;
  if (awaited_ && awaited_->broker == broker && awaited_->id == r.client_id &&
      (r.type == awaited_->taken || r.type == exec_type::rejected)) {
    awaited_.reset();
    ++stats_.answered;
    stats_.rejects += r.type == exec_type::rejected ? 1 : 0;
    // Not from inside the bus's handler: the next request starts a fresh turn.
    boost::asio::post(brokers_[broker]->executor(), [this] { send_next(); });
  }
  if (on_report_) {
    on_report_(broker, traced);
  }
}

void order_file_source::send_next() {
  while (!awaited_ && next_ < entries_.size()) {
    const replay::order_file_entry& entry = entries_[next_++];
    const auto* op = std::get_if<replay::order_operation>(&entry.content);
    if (op == nullptr) {
      continue;
    }
    order_request request = *op;
    const std::size_t file_instrument = instrument_of(request).value() - 1;
    const auto exchange_id = file_instrument < exchange_ids_.size() ? exchange_ids_[file_instrument] : std::nullopt;
    if (entry.edge_reject != reject_reason::none || !exchange_id) {
      ++stats_.not_sent;
      continue;
    }
    const std::size_t index = institution_of(request).value() - 1;
    broker& b = *brokers_.at(index);
    exec_type taken = exec_type::new_order;
    std::visit(
        [&](auto& r) {
          r.institution = b.institution();
          r.instrument = *exchange_id;
          using request_type = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<request_type, cancel_request>) {
            taken = exec_type::cancelled;
          } else if constexpr (std::is_same_v<request_type, replace_request>) {
            taken = exec_type::replaced;
          }
        },
        request);
    awaited_ = awaited{index, client_id_of(request), taken};
    ++stats_.sent;
    b.handler().submit(request);
  }
  if (!awaited_ && next_ == entries_.size()) {
    finish();
  }
}

void order_file_source::finish() {
  if (finished_) {
    return;
  }
  finished_ = true;
  if (on_finished_) {
    on_finished_();
  }
}

} // namespace minibroker
