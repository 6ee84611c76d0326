#include "metrics.hpp"

#include <iterator>
#include <string_view>

#include <fmt/format.h>

namespace minibroker::ws::detail {
namespace {

class writer {
public:
  // "# HELP" and "# TYPE" once per metric family.
  void family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(it(), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void sample(std::string_view name, std::uint64_t value) { fmt::format_to(it(), "{} {}\n", name, value); }
  void sample(std::string_view name, std::string_view label, std::string_view label_value, std::uint64_t value) {
    fmt::format_to(it(), "{}{{{}=\"{}\"}} {}\n", name, label, label_value, value);
  }
  void sample(std::string_view name, std::string_view l1, std::string_view v1, std::string_view l2, std::string_view v2,
              std::uint64_t value) {
    fmt::format_to(it(), "{}{{{}=\"{}\",{}=\"{}\"}} {}\n", name, l1, v1, l2, v2, value);
  }
  void counter(std::string_view name, std::string_view help, std::uint64_t value) {
    family(name, "counter", help);
    sample(name, value);
  }
  template <std::size_t N>
  void by_endpoint(std::string_view name, std::string_view type, std::string_view help,
                   const std::array<std::uint64_t, N>& values) {
    family(name, type, help);
    for (std::size_t i = 0; i < N; ++i) {
      sample(name, "endpoint", to_string(static_cast<endpoint>(i)), values[i]);
    }
  }
  [[nodiscard]] std::string text() const { return fmt::to_string(out_); }

private:
  std::back_insert_iterator<fmt::memory_buffer> it() { return std::back_inserter(out_); }
  fmt::memory_buffer out_;
};

void server_part(writer& w, const server_stats& s) {
  w.by_endpoint("minibroker_ws_connections", "gauge", "Open WebSocket connections.", s.connections);
  w.by_endpoint("minibroker_ws_connections_accepted_total", "counter", "WebSocket connections accepted.",
                s.connections_accepted);
  w.by_endpoint("minibroker_ws_messages_received_total", "counter", "WebSocket messages received.", s.messages_in);
  w.by_endpoint("minibroker_ws_messages_sent_total", "counter", "WebSocket messages sent.", s.messages_out);
  w.by_endpoint("minibroker_ws_slow_consumer_closes_total", "counter",
                "Connections closed for falling too far behind (close code 4001).", s.slow_consumer_closes);
  w.family("minibroker_ws_refusals_total", "counter", "HTTP requests and upgrades refused, by reason.");
  for (std::size_t i = 0; i < refusal_count; ++i) {
    const auto r = static_cast<refusal>(i);
    w.sample("minibroker_ws_refusals_total", "reason", to_string(r), "status", fmt::format("{}", http_status(r)),
             s.refusals[i]);
  }
  w.family("minibroker_ws_errors_total", "counter", "Inbound messages that could not be understood, by code.");
  for (std::size_t i = 1; i <= codec_error_count; ++i) {
    w.sample("minibroker_ws_errors_total", "code", to_string(static_cast<codec_error>(i)), s.errors[i]);
  }
  w.family("minibroker_ws_rejects_total", "counter", "Rejects sent on /ws/order, by reason.");
  for (std::size_t i = 1; i < reject_reason_count; ++i) {
    w.sample("minibroker_ws_rejects_total", "reason", to_string(static_cast<reject_reason>(i)), s.rejects[i]);
  }
  w.counter("minibroker_ws_acks_total", "Acks sent on /ws/order.", s.acks);
  w.counter("minibroker_ws_http_requests_total", "HTTP requests read.", s.http_requests);
  w.counter("minibroker_ws_quotes_conflated_total", "Quotes replaced by a newer one before a slow client got them.",
            s.quotes_conflated);
  w.counter("minibroker_ws_idle_timeouts_total", "Connections closed for being idle.", s.idle_timeouts);
  w.counter("minibroker_ws_network_errors_total", "Reads and writes that failed on the network.", s.network_errors);
  w.counter("minibroker_ws_resyncs_refused_total", "Resynchronisations from before the journal (close code 4002).",
            s.resyncs_refused);
  w.counter("minibroker_ws_resends_total", "Numbered requests received again (resends): answered, not executed again.",
            s.resends);
  w.counter("minibroker_ws_reports_total", "Execution reports journaled for the institutions.", s.reports);
}

void exchange_part(writer& w, const exchange_stats& e) {
  w.counter("minibroker_exchange_requests_received_total", "Requests that reached the exchange.", e.requests_received);
  w.counter("minibroker_exchange_requests_forwarded_total", "Requests forwarded to the matcher.", e.requests_forwarded);
  w.counter("minibroker_exchange_door_rejects_total", "Requests rejected before the matcher.", e.door_rejects);
  w.family("minibroker_exchange_rejects_total", "counter", "Reject reports produced, by reason.");
  for (std::size_t i = 1; i < reject_reason_count; ++i) {
    w.sample("minibroker_exchange_rejects_total", "reason", to_string(static_cast<reject_reason>(i)),
             e.rejects_by_reason[i]);
  }
  w.counter("minibroker_exchange_reports_published_total", "Execution reports published on the bus.",
            e.reports_published);
  w.counter("minibroker_exchange_reports_publish_rejected_total", "Execution reports the bus refused.",
            e.reports_publish_rejected);
  w.counter("minibroker_exchange_reports_sent_total", "Execution reports sent to sessions.", e.reports_sent);
  w.counter("minibroker_exchange_reports_undelivered_total", "Execution reports with no session to take them.",
            e.reports_undelivered);
  w.counter("minibroker_exchange_trades_total", "Trades.", e.trades);
  w.counter("minibroker_exchange_volume_total", "Units traded.", e.volume);
  w.counter("minibroker_exchange_quotes_total", "Quotes produced.", e.quotes_produced);
  w.counter("minibroker_exchange_instrument_updates_total", "Instrument status changes.", e.instrument_updates);
  w.family("minibroker_exchange_institution_reports_sent_total", "counter", "Execution reports sent, by institution.");
  for (const auto& i : e.institutions) {
    w.sample("minibroker_exchange_institution_reports_sent_total", "institution", i.name, i.reports_sent);
  }
  w.family("minibroker_matcher_requests_total", "counter", "Requests processed, by matcher shard.");
  for (std::size_t i = 0; i < e.shards.size(); ++i) {
    w.sample("minibroker_matcher_requests_total", "shard", fmt::format("{}", i), e.shards[i].requests);
  }
  w.family("minibroker_matcher_trades_total", "counter", "Trades, by matcher shard.");
  for (std::size_t i = 0; i < e.shards.size(); ++i) {
    w.sample("minibroker_matcher_trades_total", "shard", fmt::format("{}", i), e.shards[i].trades);
  }
  w.family("minibroker_bus_topic_published_total", "counter", "Messages published on a bus topic.");
  for (const auto& t : e.bus.topics) {
    w.sample("minibroker_bus_topic_published_total", "topic", t.name, t.published);
  }
  w.family("minibroker_bus_topic_unroutable_total", "counter", "Publishes that matched no binding.");
  for (const auto& t : e.bus.topics) {
    w.sample("minibroker_bus_topic_unroutable_total", "topic", t.name, t.unroutable);
  }
  struct queue_metric {
    std::string_view name;
    std::string_view type;
    std::string_view help;
    std::uint64_t bus::queue_stats::*field;
  };
  static constexpr queue_metric queue_metrics[] = {
      {"minibroker_bus_queue_published_total", "counter", "Messages accepted into a queue.",
       &bus::queue_stats::published},
      {"minibroker_bus_queue_delivered_total", "counter", "Messages handled.", &bus::queue_stats::delivered},
      {"minibroker_bus_queue_dropped_total", "counter", "Messages pushed out by newer ones.",
       &bus::queue_stats::dropped},
      {"minibroker_bus_queue_rejected_total", "counter", "Publishes refused for a full queue.",
       &bus::queue_stats::rejected},
      {"minibroker_bus_queue_dead_lettered_total", "counter", "Messages moved to the dead-letter queue.",
       &bus::queue_stats::dead_lettered},
      {"minibroker_bus_queue_failed_total", "counter", "Messages whose handler threw with no dead-letter queue.",
       &bus::queue_stats::failed},
      {"minibroker_bus_queue_depth", "gauge", "Messages waiting in a queue.", &bus::queue_stats::depth},
  };
  for (const auto& m : queue_metrics) {
    w.family(m.name, m.type, m.help);
    for (const auto& q : e.bus.queues) {
      w.sample(m.name, "queue", q.name, q.*(m.field));
    }
  }
}

} // namespace

std::string render_metrics(const server_stats& server, const exchange_stats& exchange) {
  writer w;
  server_part(w, server);
  exchange_part(w, exchange);
  return w.text();
}

} // namespace minibroker::ws::detail
