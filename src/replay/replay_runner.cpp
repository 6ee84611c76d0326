#include "minibroker/replay/replay_runner.hpp"

#include <iterator>

#include "minibroker/replay/event_json.hpp"

namespace minibroker::replay {
namespace {
constexpr std::size_t flush_bytes = 1 << 16;

// The report for a request refused before it reached the matcher.
execution_report edge_reject_report(const order_operation& op, reject_reason reason) {
  execution_report r{};
  r.type = exec_type::rejected;
  r.status = order_status::rejected;
  r.reason = reason;
  std::visit(
      [&](const auto& request) {
        r.institution = request.institution;
        r.client_id = request.id;
        r.instrument = request.instrument;
        using request_type = std::decay_t<decltype(request)>;
        if constexpr (std::is_same_v<request_type, new_order_request>) {
          r.side = request.side;
          r.ord_type = request.type;
          r.tif = request.tif;
          r.order_qty = request.qty;
        }
      },
      op);
  return r;
}
} // namespace

void add_instruments(order_matcher& matcher, const instrument_catalog& catalog) {
  for (const auto& inst : catalog.all()) {
    matcher.add_instrument(inst);
  }
}

void apply(order_matcher& matcher, const order_file_entry& entry, order_listener* edge_listener) {
  const auto* op = std::get_if<order_operation>(&entry.content);
  if (op == nullptr) {
    return;
  }
  if (entry.edge_reject != reject_reason::none) {
    if (edge_listener != nullptr) {
      edge_listener->on_execution_report(edge_reject_report(*op, entry.edge_reject));
    }
    return;
  }
  std::visit([&](const auto& request) { matcher.submit(request); }, *op);
}

replay_runner::replay_runner(const order_file_names& names, replay_options options,
                             std::function<void(std::string_view)> write)
    : names_(names), options_(options), write_(std::move(write)), matcher_(clock_, options.matcher) {
  add_instruments(matcher_, names_.instruments);
  matcher_.set_order_listener(this);
  matcher_.set_market_data_listener(this);
}

replay_counts replay_runner::run(const std::vector<order_file_entry>& entries) {
  for (const auto& entry : entries) {
    if (const auto* error = std::get_if<line_error>(&entry.content)) {
      ++counts_.line_errors;
      append_error_json(out_, entry.line, error->message);
      if (options_.strict) {
        counts_.stopped = true;
        counts_.stopped_at_line = entry.line;
        break;
      }
      continue;
    }
    const auto& op = std::get<order_operation>(entry.content);
    counts_.new_orders += std::holds_alternative<new_order_request>(op) ? 1 : 0;
    counts_.cancels += std::holds_alternative<cancel_request>(op) ? 1 : 0;
    counts_.replaces += std::holds_alternative<replace_request>(op) ? 1 : 0;
    apply(matcher_, entry, this);
    flush_if_full();
  }
  if (out_.size() != 0) {
    write_({out_.data(), out_.size()});
    out_.clear();
  }
  return counts_;
}

void replay_runner::flush_if_full() {
  if (out_.size() >= flush_bytes) {
    write_({out_.data(), out_.size()});
    out_.clear();
  }
}

void replay_runner::on_execution_report(const execution_report& report) {
  ++counts_.reports;
  counts_.rejects += report.type == exec_type::rejected ? 1 : 0;
  append_report_json(out_, report, names_);
}

void replay_runner::on_trade(const trade& t) {
  ++counts_.trades;
  counts_.volume += t.qty.value();
  append_trade_json(out_, t, names_);
}

void replay_runner::on_top_of_book(const top_of_book& top) {
  if (!options_.market_data) {
    return;
  }
  ++counts_.market_data;
  append_top_of_book_json(out_, top, names_);
}

void replay_runner::on_depth_update(const depth_update& update) {
  if (!options_.market_data) {
    return;
  }
  ++counts_.market_data;
  append_depth_json(out_, update, names_);
}

} // namespace minibroker::replay
