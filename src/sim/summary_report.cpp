#include "minibroker/sim/summary_report.hpp"

#include <iterator>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

namespace minibroker {
namespace {

double per_second(std::uint64_t n, double seconds) { return seconds > 0 ? static_cast<double>(n) / seconds : 0.0; }

std::string human_ns(duration d) {
  const auto ns = static_cast<double>(d.count());
  if (ns < 1e3) {
    return fmt::format("{:.0f} ns", ns);
  }
  if (ns < 1e6) {
    return fmt::format("{:.1f} us", ns / 1e3);
  }
  if (ns < 1e9) {
    return fmt::format("{:.2f} ms", ns / 1e6);
  }
  return fmt::format("{:.2f} s", ns / 1e9);
}

std::vector<std::pair<std::string_view, const latency_percentiles*>> stages(const stage_latencies& l) {
  return {{"frontend due -> broker handler", &l.frontend_to_broker},
          {"broker -> exchange processor", &l.broker_to_exchange},
          {"exchange processor -> matcher", &l.exchange_to_matcher},
          {"matcher -> report at broker", &l.matcher_to_broker},
          {"end to end", &l.end_to_end},
          {"end to end from send", &l.end_to_end_from_send}};
}

} // namespace

std::string summary_text(const simulation_summary& s, double wall_seconds) {
  fmt::memory_buffer out;
  const auto it = std::back_inserter(out);
  const double t = s.simulated_seconds;
  fmt::format_to(it, "minibroker sim: seed {}, {} clock, {} instruments, {} institutions, {} thread(s){}\n",
                 s.settings.seed, to_string(s.settings.clock), s.settings.instruments, s.settings.institutions,
                 s.settings.threads, s.settings.transport == transport_mode::ws ? ", over WebSocket" : "");
  fmt::format_to(it, "simulated {:.3f} s in {:.3f} s of wall time\n\n", t, wall_seconds);

  fmt::format_to(it, "{:<34}{:>14}{:>16}{:>16}\n", "order flow", "count", "per sim s", "per wall s");
  const auto row = [&](std::string_view name, std::uint64_t n) {
    fmt::format_to(it, "{:<34}{:>14}{:>16.0f}{:>16.0f}\n", name, n, per_second(n, t), per_second(n, wall_seconds));
  };
  row("sent by frontends", s.operations_sent);
  row("accepted by brokers", s.broker_accepted);
  row("rejected by brokers", s.broker_rejected);
  row("received by the exchange", s.exchange_received);
  row("processed by the matcher", s.matched);
  row("rejected by the exchange", s.exchange_rejected);
  row("reports back at brokers", s.reports_back);
  row("trades", s.trades);
  row("volume (units)", s.volume);
  row("quotes produced", s.quotes_produced);
  row("quotes consumed (all brokers)", s.quotes_consumed);
  row("instrument status changes", s.instrument_updates);

  fmt::format_to(it, "\n{:<34}{:>10}{:>10}{:>10}{:>10}{:>10}{:>12}\n", "latency", "p50", "p90", "p99", "p99.9", "max",
                 "samples");
  if (s.settings.clock == clock_mode::virtual_time) {
    fmt::format_to(it, "  (virtual clock: handling takes no simulated time; run with --clock real to measure)\n");
  }
  for (const auto& [name, p] : stages(s.latency)) {
    fmt::format_to(it, "{:<34}{:>10}{:>10}{:>10}{:>10}{:>10}{:>12}\n", name, human_ns(p->p50), human_ns(p->p90),
                   human_ns(p->p99), human_ns(p->p999), human_ns(p->max), p->count);
  }

  fmt::format_to(it, "\norders by final status (exchange):");
  for (const auto& [status, n] : s.orders_by_status) {
    fmt::format_to(it, " {} {}", status, n);
  }
  fmt::format_to(it, "\nrejects by reason:");
  if (s.rejects_by_reason.empty()) {
    fmt::format_to(it, " none");
  }
  for (const auto& [reason, n] : s.rejects_by_reason) {
    fmt::format_to(it, " {} {}", reason, n);
  }

  fmt::format_to(it, "\n\n{:<12}{:<38}{:>12}{:>10}{:>9}{:>9}{:>9}{:>8}\n", "bus", "queue", "published", "max depth",
                 "dropped", "rejected", "dead", "failed");
  for (const auto& q : s.queues) {
    fmt::format_to(it, "{:<12}{:<38}{:>12}{:>10}{:>9}{:>9}{:>9}{:>8}\n", q.bus, q.queue, q.published, q.max_depth,
                   q.dropped, q.rejected, q.dead_lettered, q.failed);
  }

  if (s.ok()) {
    fmt::format_to(it, "\nchecks: passed (broker and exchange views equal, bought = sold, queues balanced)\n");
  } else {
    fmt::format_to(it, "\nchecks: FAILED\n");
    for (const auto& f : s.failures) {
      fmt::format_to(it, "  - {}\n", f);
    }
  }
  return fmt::to_string(out);
}

std::string summary_json(const simulation_summary& s, double wall_seconds) {
  namespace json = boost::json;
  json::object root;
  root["seed"] = s.settings.seed;
  root["clock"] = to_string(s.settings.clock);
  root["transport"] = to_string(s.settings.transport);
  root["instruments"] = s.settings.instruments;
  root["institutions"] = s.settings.institutions;
  root["threads"] = s.settings.threads;
  root["simulated_seconds"] = s.simulated_seconds;
  root["wall_seconds"] = wall_seconds;
  json::object flow;
  flow["sent"] = s.operations_sent;
  flow["broker_accepted"] = s.broker_accepted;
  flow["broker_rejected"] = s.broker_rejected;
  flow["exchange_received"] = s.exchange_received;
  flow["matched"] = s.matched;
  flow["exchange_rejected"] = s.exchange_rejected;
  flow["reports_back"] = s.reports_back;
  flow["trades"] = s.trades;
  flow["volume"] = s.volume;
  flow["quotes_produced"] = s.quotes_produced;
  flow["quotes_consumed"] = s.quotes_consumed;
  flow["instrument_updates"] = s.instrument_updates;
  flow["orders_per_wall_second"] = per_second(s.operations_sent, wall_seconds);
  root["flow"] = std::move(flow);
  json::object latency;
  for (const auto& [name, p] : stages(s.latency)) {
    json::object stage;
    stage["count"] = p->count;
    stage["p50_ns"] = p->p50.count();
    stage["p90_ns"] = p->p90.count();
    stage["p99_ns"] = p->p99.count();
    stage["p999_ns"] = p->p999.count();
    stage["max_ns"] = p->max.count();
    stage["mean_ns"] = p->mean.count();
    latency[name] = std::move(stage);
  }
  root["latency"] = std::move(latency);
  json::object statuses;
  for (const auto& [status, n] : s.orders_by_status) {
    statuses[status] = n;
  }
  root["orders_by_status"] = std::move(statuses);
  json::object rejects;
  for (const auto& [reason, n] : s.rejects_by_reason) {
    rejects[reason] = n;
  }
  root["rejects_by_reason"] = std::move(rejects);
  json::array queues;
  for (const auto& q : s.queues) {
    queues.push_back(json::object{{"bus", q.bus},
                                  {"queue", q.queue},
                                  {"published", q.published},
                                  {"max_depth", q.max_depth},
                                  {"dropped", q.dropped},
                                  {"rejected", q.rejected},
                                  {"dead_lettered", q.dead_lettered},
                                  {"failed", q.failed}});
  }
  root["queues"] = std::move(queues);
  json::array failures;
  for (const auto& f : s.failures) {
    failures.emplace_back(f);
  }
  root["checks_passed"] = s.ok();
  root["failures"] = std::move(failures);
  return json::serialize(root);
}

} // namespace minibroker
