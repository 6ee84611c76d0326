#include "minibroker/ws/ws_order_gateway.hpp"

#include <algorithm>
#include <atomic>
#include <deque>

#include <boost/asio/post.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <fmt/format.h>

#include "beast.hpp"
#include "minibroker/ws/client_decode.hpp"
#include "minibroker/ws/encode.hpp"
#include "minibroker/ws/order_translation.hpp"
#include "ws_reader.hpp"

namespace minibroker::ws {

// Everything lives on `strand`; the counters are atomics for stats().
struct ws_order_gateway::impl : std::enable_shared_from_this<ws_order_gateway::impl> {
  struct outstanding {
    client_order_id id;
    request_kind kind;
    order_request request;
  };
  using counter = std::atomic<std::uint64_t>;

  impl(const boost::asio::any_io_executor& executor, client_config c, institution_id who, std::string n, std::string t)
      : strand(boost::asio::make_strand(executor)), config(std::move(c)), institution(who), name(std::move(n)),
        token(std::move(t)), backoff(config.reconnect_min), timer(strand) {}

  // A connection whose callbacks are ignored once a newer one has replaced it (owned_reader); the
  // orders connection, once open, sends what waits.
  std::shared_ptr<detail::ws_reader> connection(std::string target, bool authenticated, bool orders) {
    return detail::owned_reader(
        *this, std::move(target),
        [orders](impl& self, bool current) {
          if (current && orders) {
            self.on_orders_open();
          }
        },
        authenticated ? token : std::string{});
  }

  void connect() {
    ++generation;
    instruments_done = false;
    instruments_conn = connection("/ws/instruments", false, false);
    instruments_conn->start();
  }

  // The instruments are known: the order and report connections.
  void open_orders() {
    instruments_done = true;
    auto done = std::move(instruments_conn);
    ++generation; // the instruments connection's end is not a failure
    done->stop();
    orders_conn = connection("/ws/order", true, true);
    updates_conn = connection(fmt::format("/ws/order/update/{}?from={}", name, last_seq + 1), true, false);
    orders_conn->start();
    updates_conn->start();
  }

  void on_orders_open() {
    connected = true;
    backoff = config.reconnect_min;
    for (auto& o : waiting) {
      if (o.sent_before) {
        resent.fetch_add(1, std::memory_order_relaxed);
      }
      write(o);
    }
  }

  struct waiting_request : outstanding {
    std::uint64_t req = 0; // its number on its order: the same when it is sent again
    bool sent_before = false;
  };

  void write(waiting_request& o) {
    const instrument* i = directory.find(instrument_of(o.request));
    if (i == nullptr) {
      return; // the exchange never listed it: the report stream will not either; kept for the next connect
    }
    o.sent_before = true;
    orders_conn->send(std::make_shared<const std::string>(encode_request(o.request, *i, o.req)));
  }

  void send(const traced_request& r) {
    traces[client_id_of(r.request).value()] = r.trace;
    waiting_request o;
    o.id = client_id_of(r.request);
    o.kind = static_cast<request_kind>(r.request.index());
    o.request = r.request;
    o.req = ++requests_on_order[o.id.value()];
    waiting.push_back(std::move(o));
    unanswered.store(waiting.size(), std::memory_order_relaxed);
    if (connected) {
      const instrument* i = directory.find(instrument_of(r.request));
      if (i == nullptr) {
        // Unknown to the exchange: answer as it would, without a round trip.
        waiting.pop_back();
        unanswered.store(waiting.size(), std::memory_order_relaxed);
        execution_report e;
        e.instrument = instrument_of(r.request);
        e.institution = institution;
        e.client_id = client_id_of(r.request);
        e.type = exec_type::rejected;
        e.status = order_status::rejected;
        e.reason = reject_reason::unknown_instrument;
        deliver(e);
        return;
      }
      write(waiting.back());
    }
  }

  void settle(client_order_id id, request_kind kind) {
    const auto it = std::find_if(waiting.begin(), waiting.end(),
                                 [&](const waiting_request& o) { return o.id == id && o.kind == kind; });
    if (it != waiting.end()) {
      waiting.erase(it);
      unanswered.store(waiting.size(), std::memory_order_relaxed);
    }
  }

  void on_message(std::string_view text) {
    auto m = decode_server_message(text, directory);
    if (!m) {
      bad_messages.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (const auto* i = std::get_if<instrument>(&*m)) {
      directory.put(*i);
    } else if (std::holds_alternative<snapshot_end_message>(*m)) {
      if (!instruments_done) {
        open_orders();
      }
    } else if (const auto* a = std::get_if<ack_message>(&*m)) {
      settle(a->id, a->kind);
    } else if (const auto* j = std::get_if<reject_message>(&*m)) {
      settle(j->id, j->kind);
    } else if (const auto* r = std::get_if<report_message>(&*m)) {
      on_report(*r);
    }
  }

  void on_report(const report_message& r) {
    if (r.seq <= last_seq) {
      duplicates.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (r.seq != last_seq + 1) {
      on_end(); // a gap: reconnect and resume from last_seq + 1
      return;
    }
    last_seq = r.seq;
    last_seq_seen.store(last_seq, std::memory_order_relaxed);
    auto copy = r.report;
    copy.institution = institution;
    deliver(copy);
  }

  void deliver(const execution_report& e) {
    order_trace trace{};
    const auto it = traces.find(e.client_id.value());
    if (it != traces.end()) {
      trace = it->second;
      if (is_final(e.status)) {
        traces.erase(it);
      }
    }
    reports.fetch_add(1, std::memory_order_relaxed);
    if (listener != nullptr) {
      boost::asio::post(listener_executor, [l = listener, alive = alive, report = traced_report{e, trace}] {
        if (alive->load(std::memory_order_acquire)) {
          l->on_report(report);
        }
      });
    }
  }

  void on_end() {
    connected = false;
    ++generation;
    for (auto* c : {&instruments_conn, &orders_conn, &updates_conn}) {
      if (*c) {
        (*c)->stop();
        c->reset();
      }
    }
    if (stopped || reconnecting) {
      return;
    }
    reconnecting = true;
    timer.expires_after(backoff);
    backoff = std::min(backoff * 2, config.reconnect_max);
    timer.async_wait([self = shared_from_this()](detail::beast::error_code ec) {
      self->reconnecting = false;
      if (!ec && !self->stopped) {
        self->connect();
      }
    });
  }

  void shut_down() {
    stopped = true;
    timer.cancel();
    ++generation;
    for (auto* c : {&instruments_conn, &orders_conn, &updates_conn}) {
      if (*c) {
        (*c)->stop();
      }
    }
  }

  boost::asio::strand<boost::asio::any_io_executor> strand;
  client_config config;
  institution_id institution;
  std::string name;
  std::string token;
  std::chrono::milliseconds backoff;
  boost::asio::steady_timer timer;
  instrument_directory directory;
  std::shared_ptr<detail::ws_reader> instruments_conn;
  std::shared_ptr<detail::ws_reader> orders_conn;
  std::shared_ptr<detail::ws_reader> updates_conn;
  std::deque<waiting_request> waiting; // sent (or to send) and not yet acked or rejected, in order
  // Requests sent per client order id, for "req". Kept for the gateway's life: a request on a
  // finished order must still get a number above the ones before it.
  boost::unordered_flat_map<std::uint64_t, std::uint64_t> requests_on_order;
  boost::unordered_flat_map<std::uint64_t, order_trace> traces;
  report_listener* listener = nullptr;
  boost::asio::any_io_executor listener_executor;
  std::shared_ptr<std::atomic<bool>> alive = std::make_shared<std::atomic<bool>>(true);
  sequence_number last_seq = 0;
  std::uint64_t generation = 0;
  bool instruments_done = false;
  bool connected = false;
  bool reconnecting = false;
  bool stopped = false;
  bool started = false;

  counter connects{0};
  counter disconnects{0};
  counter resent{0};
  counter reports{0};
  counter duplicates{0};
  counter bad_messages{0};
  counter last_seq_seen{0};
  counter unanswered{0};
};

ws_order_gateway::ws_order_gateway(const boost::asio::any_io_executor& executor, client_config config,
                                   institution_id institution, std::string name, std::string token)
    : institution_(institution),
      impl_(std::make_shared<impl>(executor, std::move(config), institution, std::move(name), std::move(token))) {}

ws_order_gateway::~ws_order_gateway() {
  impl_->alive->store(false, std::memory_order_release);
  boost::asio::post(impl_->strand, [i = impl_] { i->shut_down(); });
}

void ws_order_gateway::set_listener(report_listener& listener, const boost::asio::any_io_executor& executor) {
  boost::asio::post(impl_->strand, [i = impl_, l = &listener, executor] {
    i->listener = l;
    i->listener_executor = executor;
    if (!i->started) {
      i->started = true;
      i->connect();
    }
  });
}

void ws_order_gateway::send(const traced_request& request) {
  boost::asio::post(impl_->strand, [i = impl_, request] { i->send(request); });
}

gateway_client_stats ws_order_gateway::stats() const {
  const auto& i = *impl_;
  return {i.connects.load(),   i.disconnects.load(),  i.resent.load(),        i.reports.load(),
          i.duplicates.load(), i.bad_messages.load(), i.last_seq_seen.load(), i.unanswered.load()};
}

} // namespace minibroker::ws
