#include "minibroker/sim/simulation.hpp"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <fmt/format.h>

#include "minibroker/broker/broker.hpp"
#include "minibroker/exchange/exchange.hpp"
#include "minibroker/sim/event_lines.hpp"
#include "minibroker/sim/orders_producer.hpp"
#include "minibroker/sim/schedulers.hpp"
#include "minibroker/sim/simulation_checks.hpp"

namespace minibroker {
namespace {

using namespace std::chrono_literals;

constexpr duration virtual_slice = 10ms; // progress is reported between slices of simulated time
constexpr duration real_progress_period = 250ms;
constexpr duration drain_check_period = 1ms; // transport ws: how often the end of the drain is looked for
constexpr duration drain_limit = 30s;        // transport ws: a drain that takes longer is a failure

// The virtual clock runs everything on this one thread: the io_context may skip its scheduler's
// and reactor's locks (a lock and an unlock per handler were a tenth of an order's instructions).
// The WebSocket transport and the real clock keep the locking io_context.
int concurrency_hint(const scenario& s) {
  if (s.clock == clock_mode::virtual_time && s.transport == transport_mode::in_process) {
    return BOOST_ASIO_CONCURRENCY_HINT_UNSAFE;
  }
  return static_cast<int>(s.threads);
}

decimal tick_of(const instruments_cache& instruments, instrument_id id) {
  const auto* entry = instruments.find(id);
  return entry != nullptr ? entry->value.tick_size : decimal{1, 2};
}

} // namespace

class simulation::impl {
public:
  impl(scenario settings, logger log, sim_transport_factory transport)
      : settings_(std::move(settings)), log_(std::move(log)), transport_factory_(std::move(transport)),
        io_(concurrency_hint(settings_)), virtual_clock_(timestamp{}),
        clock_(settings_.clock == clock_mode::virtual_time ? static_cast<const clock&>(virtual_clock_)
                                                           : static_cast<const clock&>(real_clock_)) {
    if (auto problem = validate(settings_)) {
      throw std::invalid_argument(*problem);
    }
    if (settings_.transport == transport_mode::ws && !transport_factory_) {
      throw std::invalid_argument("transport ws needs a WebSocket transport (minibroker::ws), and none was given");
    }
    build();
  }

  void build();
  simulation_summary run();
  void run_virtual();
  void run_real();
  void stop_producing();
  [[nodiscard]] bool drained() const;
  void await_drain(timestamp deadline);
  simulation_progress progress() const;
  simulation_summary summarize() const;
  void emit(const fmt::memory_buffer& line);

  scenario settings_;
  logger log_;
  sim_transport_factory transport_factory_;
  // First, so it goes last: the buses keep its executors and the components its handlers.
  boost::asio::io_context io_;
  virtual_clock virtual_clock_;
  real_clock real_clock_;
  const clock& clock_;
  std::unique_ptr<virtual_scheduler> virtual_scheduler_;
  // Real clock: the exchange's quote ticks, the control tasks, and one per broker, each on the
  // strand of what it drives.
  std::optional<boost::asio::strand<boost::asio::io_context::executor_type>> control_strand_;
  std::unique_ptr<real_scheduler> exchange_scheduler_;
  std::unique_ptr<real_scheduler> control_scheduler_;
  std::vector<std::unique_ptr<real_scheduler>> broker_schedulers_;

  std::unique_ptr<minibroker::exchange> exchange_;
  std::unique_ptr<sim_transport> transport_;             // transport ws; before the brokers, which use it
  std::vector<std::unique_ptr<order_gateway>> gateways_; // in process
  std::vector<std::unique_ptr<minibroker::broker>> brokers_;
  std::vector<std::unique_ptr<orders_producer>> producers_;

  std::function<void(std::string_view)> event_sink_;
  std::function<void(const simulation_progress&)> progress_sink_;
  std::function<void(std::size_t, const order_trace&)> report_trace_sink_;
  std::function<void()> drained_sink_;
  std::mutex event_mutex_; // the event sink is called from several strands with the real clock

  // Observations, each on its broker's strand (index = broker).
  struct observer {
    latency_recorder frontend_to_broker;
    latency_recorder broker_to_exchange;
    latency_recorder exchange_to_matcher;
    latency_recorder matcher_to_broker;
    latency_recorder end_to_end;
    latency_recorder end_to_end_from_send;
    std::uint64_t reports = 0;
  };
  std::vector<observer> observers_;
  std::size_t producers_finished_ = 0; // on the control strand (real) or the only thread (virtual)
  timestamp started_at_{};
  timestamp finished_at_{};
  std::optional<std::string> drain_failure_;
  bool ran_ = false;
};

void simulation::impl::build() {
  const bool virtual_time = settings_.clock == clock_mode::virtual_time;
  if (virtual_time) {
    virtual_scheduler_ = std::make_unique<virtual_scheduler>(io_, virtual_clock_);
  } else {
    control_strand_.emplace(boost::asio::make_strand(io_));
    exchange_scheduler_ = std::make_unique<real_scheduler>(boost::asio::make_strand(io_), real_clock_);
    control_scheduler_ = std::make_unique<real_scheduler>(*control_strand_, real_clock_);
  }
  scheduler& exchange_scheduler =
      virtual_time ? static_cast<scheduler&>(*virtual_scheduler_) : static_cast<scheduler&>(*exchange_scheduler_);

  bus::queue_options queue;
  queue.capacity = settings_.queue_capacity;
  timetable_retention retention;
  retention.max_rows = settings_.retention_rows;

  exchange_config ex;
  ex.seed = settings_.seed;
  ex.instruments = settings_.instruments;
  ex.quotes_per_second = settings_.quote_rate;
  ex.matcher_shards = settings_.threads;
  ex.order_created_queue = queue;
  ex.order_processor_queue = queue;
  ex.timetable = retention;
  ex.log = log_;
  ex.single_threaded = settings_.threads == 1;
  const std::uint64_t total = settings_.orders;
  ex.matcher.expected_orders = std::max<std::size_t>(1024, total / settings_.institutions + 1);
  ex.matcher.expected_instruments = settings_.instruments;
  for (std::size_t i = 1; i <= settings_.institutions; ++i) {
    ex.institutions.push_back(
        {institution_id{static_cast<std::uint32_t>(i)}, fmt::format("inst{}", i), fmt::format("token-{}", i)});
  }
  exchange_ = std::make_unique<minibroker::exchange>(io_, exchange_scheduler, ex);
  if (settings_.transport == transport_mode::ws) {
    transport_ = transport_factory_(io_, *exchange_);
  }

  random_source seeds{settings_.seed ^ 0x5eedULL};
  observers_.resize(settings_.institutions);
  for (std::size_t i = 0; i < settings_.institutions; ++i) {
    const institution_spec& who = ex.institutions[i];
    order_gateway* gateway = nullptr;
    if (transport_) {
      gateway = &transport_->connect(who);
    } else {
      gateway = gateways_.emplace_back(exchange_->connect(who.id)).get();
    }
    market_data_feed& feed = transport_ ? transport_->feed() : exchange_->feed();
    broker_config bc;
    bc.institution = who.id;
    bc.name = who.name;
    bc.market_data_queues = queue;
    bc.market_data_queues.overflow = bus::overflow_policy::drop_head; // the newest quote matters most
    bc.order_queue = queue;
    bc.instruments_retention = retention;
    bc.quotes_retention = retention;
    bc.log = log_;
    bc.single_threaded = settings_.threads == 1;
    // On one thread the brokers share the exchange's executor, the io_context's own (no strand):
    // a strand would only add a lock to every message, and on the same executor each hop between
    // a broker and the exchange runs as the continuation of the drain before it (bus::drain_scope)
    // instead of an executor operation.
    const boost::asio::any_io_executor broker_executor =
        settings_.threads == 1 ? boost::asio::any_io_executor(exchange_->executor())
                               : boost::asio::any_io_executor(boost::asio::make_strand(io_));
    auto& b = *brokers_.emplace_back(std::make_unique<minibroker::broker>(broker_executor, clock_, feed, *gateway, bc));

    scheduler* producer_scheduler = virtual_scheduler_.get();
    if (!virtual_time) {
      producer_scheduler =
          broker_schedulers_.emplace_back(std::make_unique<real_scheduler>(b.executor(), real_clock_)).get();
    }
    orders_producer_config pc;
    pc.seed = seeds.next();
    pc.rate = settings_.order_rate;
    pc.mix = settings_.mix;
    pc.instruments = static_cast<std::uint32_t>(settings_.instruments);
    pc.report_queue = queue;
    // The total is shared out; the first institutions take the remainder.
    pc.max_operations = total / settings_.institutions + (i < total % settings_.institutions ? 1 : 0);
    if (total != 0 && pc.max_operations == 0) {
      pc.max_operations = 1;
    }
    producers_.push_back(std::make_unique<orders_producer>(b, *producer_scheduler, pc));
  }
}

void simulation::impl::emit(const fmt::memory_buffer& line) {
  const std::lock_guard lock(event_mutex_);
  event_sink_({line.data(), line.size()});
}

simulation_summary simulation::impl::run() {
  if (ran_) {
    throw std::logic_error("a simulation runs once");
  }
  ran_ = true;

  // Observe every broker's reports as its frontend receives them, for latencies and the event
  // log: through the producer, not a queue of the simulation's own (a second consumer of every
  // report would measure the pipeline with one more hop per report than it has).
  for (std::size_t i = 0; i < producers_.size(); ++i) {
    auto& b = *brokers_[i];
    producers_[i]->on_report([this, i, &b](const traced_report& r) {
      const auto& trace = r.trace;
      auto& o = observers_[i];
      ++o.reports;
      if (report_trace_sink_) {
        report_trace_sink_(i, trace);
      }
      if (trace.exchange_received != timestamp{}) { // it went through the exchange
        o.frontend_to_broker.record(trace.broker_received - trace.frontend_sent);
        o.broker_to_exchange.record(trace.exchange_received - trace.broker_received);
        if (trace.matched != timestamp{}) {
          o.exchange_to_matcher.record(trace.matched - trace.exchange_received);
          o.matcher_to_broker.record(trace.report_received - trace.matched);
        }
        o.end_to_end.record(trace.report_received - trace.frontend_sent);
        if (trace.broker_received != timestamp{}) {
          o.end_to_end_from_send.record(trace.report_received - trace.broker_received);
        }
      } else if (transport_ && trace.report_received != timestamp{} && trace.frontend_sent != timestamp{}) {
        // Over a transport the exchange's stamps stay at the exchange: end to end only.
        o.end_to_end.record(trace.report_received - trace.frontend_sent);
        o.end_to_end_from_send.record(trace.report_received - trace.broker_received);
      }
      if (event_sink_) {
        fmt::memory_buffer line;
        append_report_line(line, clock_.now(), r.report, tick_of(b.instruments(), r.report.instrument));
        emit(line);
      }
    });
  }
  if (event_sink_) {
    auto& first = *brokers_.front();
    auto topic = first.bus().declare_topic(broker_names::market_data_topic);
    bus::queue_options options;
    options.capacity = settings_.queue_capacity;
    auto instruments = first.bus().declare_queue<instrument>("SIMULATION_INSTRUMENTS_QUEUE", options);
    auto quotes = first.bus().declare_queue<quote>("SIMULATION_QUOTES_QUEUE", options);
    if (!topic || !instruments || !quotes ||
        !first.bus().bind(*instruments, *topic, broker_names::instrument_updated_key) ||
        !first.bus().bind(*quotes, *topic, broker_names::quote_updated_key)) {
      throw std::runtime_error("simulation: cannot observe the market data");
    }
    (void)first.bus().subscribe(*instruments, first.executor(), [this](bus::message<instrument>& m) {
      fmt::memory_buffer line;
      append_instrument_line(line, clock_.now(), m.payload);
      emit(line);
    });
    (void)first.bus().subscribe(*quotes, first.executor(), [this, &first](bus::message<quote>& m) {
      fmt::memory_buffer line;
      append_quote_line(line, clock_.now(), m.payload, tick_of(first.instruments(), m.payload.instrument));
      emit(line);
    });
    for (std::size_t i = 0; i < producers_.size(); ++i) {
      auto& b = *brokers_[i];
      producers_[i]->on_sent([this, &b](const order_request& request, const order_trace& trace) {
        fmt::memory_buffer line;
        append_request_line(line, trace.frontend_sent, request, tick_of(b.instruments(), instrument_of(request)));
        emit(line);
      });
    }
  }

  started_at_ = clock_.now();
  exchange_->start();
  for (auto& b : brokers_) {
    b->start();
  }
  if (settings_.clock == clock_mode::virtual_time) {
    run_virtual();
  } else {
    run_real();
  }
  if (drained_sink_) {
    drained_sink_();
  }
  return summarize();
}

void simulation::impl::run_virtual() {
  for (auto& p : producers_) {
    p->on_finished([this] { ++producers_finished_; });
    p->start();
  }
  const std::optional<timestamp> deadline =
      settings_.duration
          ? std::optional<timestamp>{started_at_ + std::chrono::duration_cast<duration>(
                                                       std::chrono::duration<double>(*settings_.duration))}
          : std::nullopt;
  while (producers_finished_ < producers_.size()) {
    timestamp slice_end = clock_.now() + virtual_slice;
    if (deadline) {
      slice_end = std::min(slice_end, *deadline);
    }
    virtual_scheduler_->run(slice_end);
    if (progress_sink_) {
      progress_sink_(progress());
    }
    if ((deadline && clock_.now() >= *deadline) || virtual_scheduler_->pending() == 0) {
      break;
    }
  }
  finished_at_ = clock_.now();
  stop_producing();
  virtual_scheduler_->run(); // drain: every request gets its reports
}

void simulation::impl::stop_producing() {
  for (auto& p : producers_) {
    p->stop();
  }
  exchange_->stop();
}

void simulation::impl::run_real() {
  // Everything that touches a component runs on that component's strand.
  auto shutdown = [this] {
    finished_at_ = clock_.now();
    for (std::size_t i = 0; i < producers_.size(); ++i) {
      boost::asio::post(brokers_[i]->executor(), [this, i] {
        producers_[i]->stop();
        broker_schedulers_[i]->stop();
      });
    }
    boost::asio::post(exchange_->executor(), [this] { exchange_->stop(); });
    boost::asio::post(exchange_scheduler_->executor(), [this] { exchange_scheduler_->stop(); });
    if (transport_) {
      // The connections keep the io_context busy: close them once every request has its reports.
      await_drain(clock_.now() + drain_limit);
    } else {
      control_scheduler_->stop();
    }
  };
  for (std::size_t i = 0; i < producers_.size(); ++i) {
    producers_[i]->on_finished([this, shutdown] {
      boost::asio::post(*control_strand_, [this, shutdown] {
        if (++producers_finished_ == producers_.size()) {
          shutdown();
        }
      });
    });
    boost::asio::post(brokers_[i]->executor(), [this, i] { producers_[i]->start(); });
  }
  boost::asio::post(*control_strand_, [this, shutdown] {
    if (settings_.duration) {
      control_scheduler_->schedule_at(
          started_at_ + std::chrono::duration_cast<duration>(std::chrono::duration<double>(*settings_.duration)),
          shutdown);
    }
  });
  // Progress, every real_progress_period, on the control strand.
  struct ticker {
    impl* self;
    void operator()() const {
      if (self->progress_sink_) {
        self->progress_sink_(self->progress());
      }
      self->control_scheduler_->schedule_after(real_progress_period, ticker{self});
    }
  };
  boost::asio::post(*control_strand_,
                    [this] { control_scheduler_->schedule_after(real_progress_period, ticker{this}); });

  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < settings_.threads; ++t) {
    threads.emplace_back([this] { io_.run(); });
  }
  io_.run();
  for (auto& t : threads) {
    t.join();
  }
}

// Transport ws, on the one thread: every request the brokers sent reached the exchange, every report
// the exchange sent reached its broker, and no queue holds anything.
bool simulation::impl::drained() const {
  const auto ex = exchange_->stats();
  std::uint64_t sent = 0;
  for (const auto& b : brokers_) {
    const auto bs = b->stats();
    sent += bs.exchange.sent();
    const auto* at_exchange = ex.institution(b->institution());
    if (at_exchange == nullptr || at_exchange->reports_sent != bs.exchange.reports_received) {
      return false;
    }
    for (const auto& q : bs.bus.queues) {
      if (q.depth != 0) {
        return false;
      }
    }
  }
  for (const auto& q : ex.bus.queues) {
    if (q.depth != 0) {
      return false;
    }
  }
  return sent == ex.requests_received;
}

void simulation::impl::await_drain(timestamp deadline) {
  const bool done = drained();
  if (!done && clock_.now() < deadline) {
    control_scheduler_->schedule_after(drain_check_period, [this, deadline] { await_drain(deadline); });
    return;
  }
  if (!done) {
    drain_failure_ = fmt::format("the pipeline did not drain over the WebSocket transport within {} s",
                                 std::chrono::duration_cast<std::chrono::seconds>(drain_limit).count());
  }
  for (auto& b : brokers_) {
    b->stop();
  }
  transport_->close();
  control_scheduler_->stop();
}

simulation_progress simulation::impl::progress() const {
  // Thread-safe sources only: the exchange's and the buses' counters.
  const auto ex = exchange_->stats();
  simulation_progress p;
  p.simulated_seconds = std::chrono::duration<double>(clock_.now() - started_at_).count();
  p.operations_sent = ex.requests_received;
  for (const auto& b : brokers_) {
    const auto bus_stats = const_cast<minibroker::broker&>(*b).bus().stats();
    for (const auto& q : bus_stats.queues) {
      p.queued += q.depth;
    }
  }
  for (const auto& q : ex.bus.queues) {
    p.queued += q.depth;
  }
  p.quotes_produced = ex.quotes_produced;
  p.trades = ex.trades;
  double done = 0;
  if (settings_.orders != 0) {
    done = static_cast<double>(p.operations_sent) / static_cast<double>(settings_.orders);
  }
  if (settings_.duration) {
    done = std::max(done, p.simulated_seconds / *settings_.duration);
  }
  p.fraction_done = std::min(done, 1.0);
  return p;
}

simulation_summary simulation::impl::summarize() const {
  simulation_summary s;
  s.settings = settings_;
  s.simulated_seconds = std::chrono::duration<double>(finished_at_ - started_at_).count();
  const auto ex = exchange_->stats();
  std::array<std::uint64_t, reject_reason_count> rejects = ex.rejects_by_reason;
  for (std::size_t i = 0; i < brokers_.size(); ++i) {
    const auto bs = brokers_[i]->stats();
    s.operations_sent += producers_[i]->stats().operations;
    s.broker_accepted += bs.requests.accepted;
    s.broker_rejected += bs.requests.rejected_total();
    s.reports_back += bs.exchange.reports_received;
    s.quotes_consumed += bs.market_data_stored.quotes_stored;
    for (std::size_t r = 0; r < reject_reason_count; ++r) {
      rejects[r] += bs.requests.rejected[r];
    }
    for (const auto& q : bs.bus.queues) {
      s.queues.push_back({brokers_[i]->config().name, q.name, q.published, q.max_depth, q.dropped, q.rejected,
                          q.dead_lettered, q.failed});
    }
  }
  for (const auto& q : ex.bus.queues) {
    s.queues.push_back(
        {"exchange", q.name, q.published, q.max_depth, q.dropped, q.rejected, q.dead_lettered, q.failed});
  }
  s.exchange_received = ex.requests_received;
  for (const auto& shard : ex.shards) {
    s.matched += shard.requests;
  }
  for (std::size_t r = 1; r < reject_reason_count; ++r) {
    s.exchange_rejected += ex.rejects_by_reason[r];
    if (rejects[r] != 0) {
      s.rejects_by_reason.emplace_back(std::string(to_string(static_cast<reject_reason>(r))), rejects[r]);
    }
  }
  s.quotes_produced = ex.quotes_produced;
  s.instrument_updates = ex.instrument_updates;
  s.trades = ex.trades;
  s.volume = ex.volume;
  for (int st = 0; st <= static_cast<int>(order_status::expired); ++st) {
    const auto status = static_cast<order_status>(st);
    if (const auto n = exchange_->orders().count(status); n != 0) {
      s.orders_by_status.emplace_back(std::string(to_string(status)), n);
    }
  }
  // Latencies: every broker's observations together.
  stage_latencies& l = s.latency;
  const auto combine = [&](latency_recorder observer::*stage) {
    latency_recorder all;
    for (const auto& o : observers_) {
      all.merge((o.*stage));
    }
    return all.summary();
  };
  l.frontend_to_broker = combine(&observer::frontend_to_broker);
  l.broker_to_exchange = combine(&observer::broker_to_exchange);
  l.exchange_to_matcher = combine(&observer::exchange_to_matcher);
  l.matcher_to_broker = combine(&observer::matcher_to_broker);
  l.end_to_end = combine(&observer::end_to_end);
  l.end_to_end_from_send = combine(&observer::end_to_end_from_send);

  s.failures = check_simulation(*exchange_, brokers_);
  if (drain_failure_) {
    s.failures.push_back(*drain_failure_);
  }
  return s;
}

namespace {
void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    throw std::runtime_error(fmt::format("cannot write {}", path.string()));
  }
}
} // namespace

void simulation::export_csv(const std::filesystem::path& dir) const {
  std::filesystem::create_directories(dir);
  const auto& ex = *impl_->exchange_;
  const auto ticks = tick_sizes_from(ex.instruments());
  write_file(dir / "exchange_orders.csv", ex.orders_timetable().to_csv(ticks));
  write_file(dir / "exchange_trades.csv", ex.trades_timetable().to_csv(ticks));
  for (const auto& b : impl_->brokers_) {
    write_file(dir / fmt::format("{}_instruments.csv", b->config().name), b->instruments_timetable().to_csv(ticks));
    write_file(dir / fmt::format("{}_quotes.csv", b->config().name), b->quotes_timetable().to_csv(ticks));
  }
}

simulation::simulation(scenario settings, logger log, sim_transport_factory transport)
    : impl_(std::make_unique<impl>(std::move(settings), std::move(log), std::move(transport))) {}
simulation::~simulation() = default;

void simulation::on_event(std::function<void(std::string_view)> sink) { impl_->event_sink_ = std::move(sink); }
void simulation::on_report_trace(std::function<void(std::size_t, const order_trace&)> sink) {
  impl_->report_trace_sink_ = std::move(sink);
}
void simulation::on_progress(std::function<void(const simulation_progress&)> sink) {
  impl_->progress_sink_ = std::move(sink);
}
void simulation::on_drained(std::function<void()> sink) { impl_->drained_sink_ = std::move(sink); }
simulation_summary simulation::run() { return impl_->run(); }
const minibroker::exchange& simulation::exchange() const { return *impl_->exchange_; }
std::size_t simulation::broker_count() const noexcept { return impl_->brokers_.size(); }
const minibroker::broker& simulation::broker(std::size_t index) const { return *impl_->brokers_.at(index); }

} // namespace minibroker
