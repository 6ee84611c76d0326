#include "broker_run.hpp"

#include <atomic>
#include <deque>
#include <future>
#include <memory>
#include <thread>
#include <unordered_map>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "exchange_metrics.hpp"
#include "minibroker/broker/broker.hpp"
#include "minibroker/sim/order_file_source.hpp"
#include "minibroker/sim/orders_producer.hpp"
#include "minibroker/sim/schedulers.hpp"
#include "minibroker/ws/ws_market_data_feed.hpp"
#include "minibroker/ws/ws_order_gateway.hpp"

namespace minibroker::cli {
namespace {

using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;
constexpr auto poll_period = 10ms; // how often the watching thread looks; it only observes

// Counts the instruments of the feed's snapshot; the first quote ends it (instruments come first).
class snapshot_watch final : public feed_listener {
public:
  void on_instrument(const instrument& /*update*/) override { instruments_.fetch_add(1); }
  void on_quote(const quote& /*update*/) override { quoted_.store(true); }
  // The number of instruments once the snapshot's instruments are all in.
  [[nodiscard]] std::optional<std::size_t> instruments() const {
    return quoted_.load() ? std::optional<std::size_t>{instruments_.load()} : std::nullopt;
  }

private:
  std::atomic<std::size_t> instruments_{0};
  std::atomic<bool> quoted_{false};
};

// Is a client's connection down, and since when? From its connect and disconnect counters.
class connection_watch {
public:
  explicit connection_watch(steady::time_point start) : down_since_(start) {}
  // True when it has been down for longer than limit.
  bool lost(std::uint64_t connects, std::uint64_t disconnects, steady::time_point now, steady::duration limit) {
    if (connects != connects_) {
      connects_ = connects;
      disconnects_at_connect_ = disconnects;
    }
    const bool down = connects_ == 0 || disconnects > disconnects_at_connect_;
    if (!down) {
      down_since_.reset();
    } else if (!down_since_) {
      down_since_ = now;
    }
    return down_since_ && now - *down_since_ > limit;
  }

private:
  std::uint64_t connects_ = 0;
  std::uint64_t disconnects_at_connect_ = 0;
  std::optional<steady::time_point> down_since_;
};

// Which requests still wait for their answer (random flow): the first report that says the
// request was taken or refused.
class answer_tracker {
public:
  void sent(const order_request& r) {
    exec_type taken = exec_type::new_order;
    if (std::holds_alternative<cancel_request>(r)) {
      taken = exec_type::cancelled;
    } else if (std::holds_alternative<replace_request>(r)) {
      taken = exec_type::replaced;
    }
    waiting_[client_id_of(r).value()].push_back(taken);
    ++outstanding_;
  }
  // True when the report answers a waiting request.
  bool answers(const execution_report& r) {
    const auto it = waiting_.find(r.client_id.value());
    if (it == waiting_.end() || (r.type != it->second.front() && r.type != exec_type::rejected)) {
      return false;
    }
    it->second.pop_front();
    if (it->second.empty()) {
      waiting_.erase(it);
    }
    --outstanding_;
    return true;
  }
  [[nodiscard]] std::size_t outstanding() const noexcept { return outstanding_; }

private:
  std::unordered_map<std::uint64_t, std::deque<exec_type>> waiting_;
  std::size_t outstanding_ = 0;
};

class runner {
public:
  explicit runner(broker_run_config config)
      : config_(std::move(config)), work_(io_.get_executor()), scheduler_(io_.get_executor(), clock_) {
    ws::client_config client;
    client.host = config_.host;
    client.port = config_.port;
    feed_ = std::make_unique<ws::ws_market_data_feed>(io_.get_executor(), client);
    for (std::size_t i = 0; i < config_.members.size(); ++i) {
      const auto id = institution_id{static_cast<std::uint32_t>(i + 1)};
      gateways_.push_back(std::make_unique<ws::ws_order_gateway>(io_.get_executor(), client, id,
                                                                 config_.members[i].name, config_.members[i].token));
      broker_config bc;
      bc.institution = id;
      bc.name = config_.members[i].name;
      bc.log = logger::silent();
      brokers_.push_back(std::make_unique<broker>(io_.get_executor(), clock_, *feed_, *gateways_.back(), bc));
    }
  }

  ~runner() {
    io_.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  broker_run_result run();

private:
  template <typename F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }
  void start_flow(std::size_t instruments);
  void report(std::size_t broker, const traced_report& r, bool answer);
  std::optional<std::string> watch_connections(steady::time_point now);
  bool wait(const std::function<bool()>& done, std::optional<steady::time_point> until = std::nullopt);
  bool drained();
  void collect();

  broker_run_config config_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  real_clock clock_;
  real_scheduler scheduler_;
  std::unique_ptr<ws::ws_market_data_feed> feed_;
  std::vector<std::unique_ptr<ws::ws_order_gateway>> gateways_;
  std::vector<std::unique_ptr<broker>> brokers_;
  snapshot_watch snapshot_;
  std::unique_ptr<orders_producer> producer_;
  std::unique_ptr<order_file_source> source_;
  std::thread thread_;
  steady::time_point started_{steady::now()};
  connection_watch feed_watch_{started_};
  std::vector<connection_watch> gateway_watches_;
  std::optional<std::string> lost_;

  // Written on the io thread, watched from the calling thread: a stall is requests waiting and no
  // answer coming.
  std::atomic<std::uint64_t> answers_seen_{0};
  std::atomic<std::size_t> waiting_{0};
  std::uint64_t last_answers_ = 0;
  steady::time_point last_answer_at_{steady::now()};

  // On the io thread.
  answer_tracker answers_;
  std::atomic<bool> flow_done_{false};
  std::uint64_t first_client_id_ = 0; // the random flow's; earlier ids are an earlier run's
  std::uint64_t reports_ = 0;         // this run's
  std::uint64_t fills_ = 0;
  std::uint64_t rejects_ = 0; // answers that are rejects
  latency_recorder answer_latency_;
  broker_run_result result_;
  std::map<std::uint64_t, traded> trades_;
};

void runner::report(std::size_t broker, const traced_report& traced, bool answer) {
  const execution_report& r = traced.report;
  if (r.client_id.value() < first_client_id_) {
    return; // an earlier run's, replayed by the report stream
  }
  ++reports_;
  fills_ += r.type == exec_type::trade ? 1 : 0;
  rejects_ += answer && r.type == exec_type::rejected ? 1 : 0;
  const auto* inst = brokers_[broker]->instruments().find(r.instrument);
  if (answer) {
    answers_seen_.fetch_add(1);
    if (traced.trace.report_received != timestamp{} && traced.trace.frontend_sent != timestamp{}) {
      answer_latency_.record(traced.trace.report_received - traced.trace.frontend_sent);
    }
    if (r.type == exec_type::rejected) {
      ++result_.rejects_by_reason[std::string(to_string(r.reason))];
    }
  }
  if (r.type != exec_type::trade || inst == nullptr) {
    return;
  }
  traded& t = trades_[r.trade.value()];
  t.trade_id = r.trade.value();
  t.symbol = inst->value.symbol;
  t.price = format_price(r.last_price, inst->value.tick_size);
  t.qty = r.last_qty.value();
  const std::string id = config_.names != nullptr ? std::string(config_.names->client_ids.name(r.client_id))
                                                  : std::to_string(r.client_id.value());
  (r.side == side::buy ? t.buy_institution : t.sell_institution) = config_.members[broker].name;
  (r.side == side::buy ? t.buy_id : t.sell_id) = id;
}

void runner::start_flow(std::size_t instruments) {
  if (config_.names != nullptr) {
    std::vector<broker*> brokers;
    for (auto& b : brokers_) {
      brokers.push_back(b.get());
    }
    source_ = std::make_unique<order_file_source>(brokers, *config_.names, std::move(config_.entries));
    source_->on_report([this](std::size_t broker, const traced_report& r) {
      const bool answer = r.report.type != exec_type::trade && r.report.type != exec_type::expired;
      report(broker, r, answer);
    });
    source_->on_finished([this] {
      waiting_.store(0);
      flow_done_.store(true);
    });
    waiting_.store(1); // one request at a time until the end
    source_->start();
    return;
  }
  orders_producer_config pc;
  pc.seed = config_.seed;
  pc.rate = config_.order_rate;
  pc.max_operations = config_.orders;
  pc.mix = config_.mix;
  pc.instruments = static_cast<std::uint32_t>(instruments);
  // Ids are unique per institution for the exchange's life, and an exchange outlives a broker
  // run: start above anything an earlier run (which started earlier) can have used.
  pc.first_client_id = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                      std::chrono::system_clock::now().time_since_epoch())
                                                      .count()) *
                       1000;
  first_client_id_ = pc.first_client_id;
  producer_ = std::make_unique<orders_producer>(*brokers_.front(), scheduler_, pc);
  producer_->on_sent([this](const order_request& r, const order_trace& /*trace*/) {
    answers_.sent(r);
    waiting_.store(answers_.outstanding());
  });
  producer_->on_finished([this] { flow_done_.store(true); });
  broker& b = *brokers_.front();
  auto queue = b.declare_report_queue("BROKER_PROGRAM_REPORTS_QUEUE");
  if (!queue || !b.bus().subscribe(*queue, b.executor(), [this](bus::message<traced_report>& m) {
        report(0, m.payload, answers_.answers(m.payload.report));
        waiting_.store(answers_.outstanding());
      })) {
    throw std::runtime_error("cannot subscribe to the broker's reports");
  }
  producer_->start();
}

std::optional<std::string> runner::watch_connections(steady::time_point now) {
  const auto limit = std::chrono::duration_cast<steady::duration>(config_.give_up_after);
  const auto where = fmt::format("ws://{}:{}", config_.host, config_.port);
  const auto seconds = std::chrono::duration<double>(config_.give_up_after).count();
  const auto f = feed_->stats();
  if (feed_watch_.lost(f.connects, f.disconnects, now, limit)) {
    return fmt::format("no market data connection to the exchange at {} for {} s", where, seconds);
  }
  for (std::size_t i = 0; i < gateways_.size(); ++i) {
    const auto g = gateways_[i]->stats();
    if (gateway_watches_[i].lost(g.connects, g.disconnects, now, limit)) {
      return fmt::format("no order connection to the exchange at {} for {} ({} s)", where, config_.members[i].name,
                         seconds);
    }
  }
  return std::nullopt;
}

// Waits until done() (checked on the watching thread), the deadline, or a lost connection.
bool runner::wait(const std::function<bool()>& done, std::optional<steady::time_point> until) {
  for (;;) {
    if (done()) {
      return true;
    }
    const auto now = steady::now();
    if (until && now >= *until) {
      return false;
    }
    if (auto why = watch_connections(now)) {
      lost_ = std::move(why);
      return false;
    }
    if (const auto seen = answers_seen_.load(); seen != last_answers_ || waiting_.load() == 0) {
      last_answers_ = seen;
      last_answer_at_ = now;
    } else if (now - last_answer_at_ > config_.give_up_after) {
      lost_ = fmt::format("the exchange at ws://{}:{} answered none of the {} requests waiting for {} s", config_.host,
                          config_.port, waiting_.load(), std::chrono::duration<double>(config_.give_up_after).count());
      return false;
    }
    std::this_thread::sleep_for(poll_period);
  }
}

// Every report the exchange had sent each institution has reached its broker and been handled.
bool runner::drained() {
  std::vector<std::uint64_t> sent;
  for (const auto& m : config_.members) {
    const auto n = reports_sent(config_.host, config_.port, m.name);
    if (!n) {
      return false;
    }
    sent.push_back(*n);
  }
  const bool all_in = wait([&] {
    for (std::size_t i = 0; i < gateways_.size(); ++i) {
      if (gateways_[i]->stats().last_seq < sent[i]) {
        return false;
      }
    }
    return true;
  });
  return all_in && wait([&] {
           return on_io([&] {
             for (std::size_t i = 0; i < brokers_.size(); ++i) {
               if (brokers_[i]->stats().exchange.reports_received < gateways_[i]->stats().reports) {
                 return false;
               }
               for (const auto& q : brokers_[i]->bus().stats().queues) {
                 if (q.depth != 0) {
                   return false;
                 }
               }
             }
             return true;
           });
         });
}

void runner::collect() {
  on_io([&] {
    auto& r = result_;
    if (source_) {
      const auto& s = source_->stats();
      r.operations = s.sent;
      r.not_sent = s.not_sent;
      r.line_errors = s.line_errors;
      r.answered = s.answered;
      r.rejects = s.rejects;
      r.reports = s.reports;
      r.fills = s.fills;
    } else if (producer_) {
      const auto& s = producer_->stats();
      r.operations = s.operations;
      r.answered = s.operations - answers_.outstanding();
      r.reports = reports_;
      r.fills = fills_;
      r.rejects = rejects_;
    }
    // This run's orders only: the report stream replays an institution's earlier reports too.
    for (const auto& b : brokers_) {
      for (const order_record& o : b->orders()) {
        if (o.client_id.value() >= first_client_id_) {
          ++r.orders_by_status[std::string(to_string(o.status))];
        }
      }
    }
    for (auto& [id, t] : trades_) {
      r.volume += static_cast<std::uint64_t>(t.qty);
      r.trades.push_back(t);
    }
    r.answer_latency = answer_latency_.summary();
    return 0;
  });
}

broker_run_result runner::run() {
  for (std::size_t i = 0; i < gateways_.size(); ++i) {
    gateway_watches_.emplace_back(started_);
  }
  thread_ = std::thread([this] { io_.run(); });
  on_io([&] {
    feed_->subscribe(snapshot_, io_.get_executor());
    for (auto& b : brokers_) {
      b->start();
    }
    return 0;
  });
  // The flow starts once every broker knows every instrument of the exchange.
  std::size_t instruments = 0;
  const bool ready = wait([&] {
    const auto n = snapshot_.instruments();
    if (!n) {
      return false;
    }
    instruments = *n;
    return on_io([&] {
      for (const auto& b : brokers_) {
        if (b->instruments().size() < instruments) {
          return false;
        }
      }
      start_flow(instruments);
      return true;
    });
  });
  const auto flow_started = steady::now();
  if (ready) {
    std::optional<steady::time_point> until;
    if (config_.duration) {
      until =
          flow_started + std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(*config_.duration));
    }
    (void)wait([&] { return flow_done_.load(); }, until);
  }
  if (!lost_) {
    on_io([&] {
      if (producer_) {
        producer_->stop();
      }
      return 0;
    });
    // Every request answered (the file source answers one by one), then every report in.
    if (wait([&] { return on_io([&] { return answers_.outstanding() == 0; }); }) && !drained() && !lost_) {
      lost_ = fmt::format("the exchange at ws://{}:{} did not answer its metrics", config_.host, config_.port);
    }
  }
  result_.seconds = std::chrono::duration<double>(steady::now() - flow_started).count();
  collect();
  result_.lost = lost_;
  on_io([&] {
    for (auto& b : brokers_) {
      b->stop();
    }
    feed_->unsubscribe(snapshot_);
    scheduler_.stop();
    return 0;
  });
  return result_;
}

} // namespace

broker_run_result run_brokers(broker_run_config config) {
  runner r(std::move(config));
  return r.run();
}

} // namespace minibroker::cli
