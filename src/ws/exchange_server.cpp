#include "minibroker/ws/exchange_server.hpp"

#include <boost/asio/post.hpp>

#include "http_session.hpp"
#include "metrics.hpp"
#include "request_target.hpp"
#include "server_state.hpp"
#include "ws_session.hpp"

namespace minibroker::ws {

exchange_server::state::state(boost::asio::io_context& io, exchange& e, server_config c)
    : strand(boost::asio::make_strand(io)), ex(e), config(std::move(c)), market(instruments), acceptor(strand) {
  // The instruments are fixed when the exchange is built (only their status changes, which the
  // feed brings): the directory is complete before the first order arrives.
  for (const auto& [id, entry] : ex.instruments().snapshot()) {
    instruments.put(entry.value);
  }
  config.report_journal = std::max(config.report_journal, config.max_queued_messages);
  for (const auto& spec : ex.config().institutions) {
    channels.push_back(std::make_unique<detail::institution_channel>(spec.id, spec.name, spec.token,
                                                                     config.report_journal, instruments, counters));
  }
}

void exchange_server::state::do_accept() {
  acceptor.async_accept(strand, detail::beast::bind_front_handler(&state::on_accept, shared_from_this()));
}

void exchange_server::state::on_accept(detail::beast::error_code ec, detail::tcp::socket socket) {
  if (!accepting) {
    return;
  }
  if (ec) {
    if (ec == boost::asio::error::operation_aborted) {
      return;
    }
    detail::server_counters::add(counters.network_errors);
  } else {
    if (config.socket_send_buffer > 0) {
      socket.set_option(boost::asio::socket_base::send_buffer_size(config.socket_send_buffer), ec);
    }
    std::make_shared<detail::http_session>(std::move(socket), shared_from_this())->run();
  }
  do_accept();
}

void exchange_server::state::track(const std::shared_ptr<detail::ws_session>& s) {
  std::erase_if(sessions, [](const std::weak_ptr<detail::ws_session>& w) { return w.expired(); });
  sessions.push_back(s);
}

void exchange_server::state::shut_down() {
  accepting = false;
  detail::beast::error_code ignored;
  acceptor.close(ignored);
  close_sessions();
}

void exchange_server::state::close_sessions() {
  for (const auto& w : sessions) {
    if (const auto s = w.lock()) {
      s->close(static_cast<std::uint16_t>(detail::websocket::close_code::going_away), "the exchange is shutting down");
    }
  }
  sessions.clear();
}

void exchange_server::state::detach() {
  if (!attached.exchange(false)) {
    return;
  }
  ex.feed().unsubscribe(market);
  for (const auto& c : channels) {
    ex.api().detach(c->id());
  }
}

detail::institution_channel* exchange_server::state::channel_by_token(std::string_view token) noexcept {
  detail::institution_channel* found = nullptr;
  for (const auto& c : channels) {
    if (!c->token().empty() && detail::same_secret(c->token(), token)) {
      found = c.get();
    }
  }
  return found;
}

detail::institution_channel* exchange_server::state::channel_by_name(std::string_view name) noexcept {
  for (const auto& c : channels) {
    if (c->name() == name) {
      return c.get();
    }
  }
  return nullptr;
}

exchange_server::exchange_server(boost::asio::io_context& io, exchange& ex, server_config config)
    : state_(std::make_shared<state>(io, ex, std::move(config))) {}

exchange_server::~exchange_server() { state_->detach(); }

void exchange_server::start() {
  auto& s = *state_;
  if (s.attached.load()) {
    return;
  }
  const auto endpoint = detail::tcp::endpoint(boost::asio::ip::make_address(s.config.address), s.config.port);
  s.acceptor.open(endpoint.protocol());
  s.acceptor.set_option(boost::asio::socket_base::reuse_address(true));
  s.acceptor.bind(endpoint);
  s.acceptor.listen(boost::asio::socket_base::max_listen_connections);
  const auto bound = s.acceptor.local_endpoint();
  s.bound_address = bound.address().to_string();
  s.bound_port.store(bound.port());

  s.attached.store(true);
  s.ex.feed().subscribe(s.market, s.strand);
  for (const auto& c : s.channels) {
    s.ex.api().attach(c->id(), *c, s.strand);
  }
  boost::asio::post(s.strand, [st = state_] {
    st->accepting = true;
    st->do_accept();
  });
}

void exchange_server::stop() {
  state_->detach();
  boost::asio::post(state_->strand, [st = state_] { st->shut_down(); });
}

void exchange_server::disconnect_all() {
  boost::asio::post(state_->strand, [st = state_] { st->close_sessions(); });
}

std::uint16_t exchange_server::port() const noexcept { return state_->bound_port.load(); }

const std::string& exchange_server::address() const noexcept { return state_->bound_address; }

server_stats exchange_server::stats() const { return state_->counters.snapshot(); }

std::string exchange_server::metrics_text() const {
  return detail::render_metrics(state_->counters.snapshot(), state_->ex.stats());
}

} // namespace minibroker::ws
