#include "http_session.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "market_data_sessions.hpp"
#include "metrics.hpp"
#include "minibroker/replay/event_json.hpp"
#include "order_sessions.hpp"
#include "request_target.hpp"
#include "server_state.hpp"

namespace minibroker::ws::detail {
namespace {

constexpr std::string_view order_update_prefix = "/ws/order/update/";

bool is_ws_path(std::string_view path) {
  return path == "/ws/instruments" || path == "/ws/quotes" || path == "/ws/order" ||
         path.starts_with(order_update_prefix);
}

std::optional<sequence_number> parse_sequence(const std::string& text) {
  sequence_number n = 0;
  const auto* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, n);
  if (r.ec != std::errc{} || r.ptr != end) {
    return std::nullopt;
  }
  return n;
}

} // namespace

http_session::http_session(tcp::socket&& socket, std::shared_ptr<exchange_server::state> state)
    : stream_(std::move(socket)), state_(std::move(state)) {}

void http_session::run() { do_read(); }

void http_session::do_read() {
  parser_.emplace();
  parser_->body_limit(state_->config.max_message_size);
  parser_->header_limit(16 * 1024);
  stream_.expires_after(state_->config.idle_timeout);
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec == http::error::end_of_stream || ec == asio::error::eof) {
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    return;
  }
  if (ec == beast::error::timeout) {
    server_counters::add(state_->counters.idle_timeouts);
    return;
  }
  if (ec) {
    if (ec == http::error::body_limit || ec == http::error::header_limit ||
        ec.category() == http::make_error_code(http::error::bad_target).category()) {
      refuse(refusal::bad_request, fmt::format("bad HTTP request: {}", ec.message()), false);
    } else {
      server_counters::add(state_->counters.network_errors);
    }
    return;
  }
  server_counters::add(state_->counters.http_requests);
  route(parser_->release());
}

void http_session::route(request req) {
  const bool keep_alive = req.keep_alive();
  const auto target = parse_target(req.target());
  if (!target) {
    refuse(refusal::bad_request, "malformed percent-encoding in the request target", keep_alive);
    return;
  }
  if (websocket::is_upgrade(req)) {
    upgrade(std::move(req));
    return;
  }
  const auto& path = target->path;
  if (is_ws_path(path)) {
    refuse(refusal::upgrade_required, fmt::format("{} is a WebSocket endpoint", path), keep_alive);
    return;
  }
  if (path != "/health" && path != "/metrics") {
    refuse(refusal::not_found, fmt::format("no such path: {}", path), keep_alive);
    return;
  }
  if (req.method() != http::verb::get) {
    refuse(refusal::method_not_allowed, fmt::format("{} takes GET only", path), keep_alive);
    return;
  }
  if (path == "/health") {
    respond(http::status::ok, "application/json",
            R"({"status":"ok"})"
            "\n",
            keep_alive);
  } else {
    respond(http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
            render_metrics(state_->counters.snapshot(), state_->ex.stats()), keep_alive);
  }
}

void http_session::upgrade(request req) {
  auto& s = *state_;
  const auto target = parse_target(req.target());
  const auto& path = target->path;
  if (!s.config.allowed_origins.empty()) {
    const auto origin = req[http::field::origin];
    if (!origin.empty() && std::find(s.config.allowed_origins.begin(), s.config.allowed_origins.end(),
                                     std::string_view(origin)) == s.config.allowed_origins.end()) {
      refuse(refusal::forbidden, fmt::format("origin {} is not allowed", std::string_view(origin)), false);
      return;
    }
  }
  if (!is_ws_path(path)) {
    refuse(refusal::not_found, fmt::format("no WebSocket endpoint at {}", path), false);
    return;
  }
  institution_channel* channel = nullptr;
  if (path == "/ws/order" || path.starts_with(order_update_prefix)) {
    const auto token = bearer_token(req[http::field::authorization], *target);
    channel = token ? s.channel_by_token(*token) : nullptr;
    if (channel == nullptr) {
      refuse(refusal::unauthorized,
             token ? "the token belongs to no institution" : "a token is required (Authorization: Bearer or ?token=)",
             false);
      return;
    }
    if (path.starts_with(order_update_prefix)) {
      const std::string_view who = std::string_view(path).substr(order_update_prefix.size());
      if (s.channel_by_name(who) == nullptr) {
        refuse(refusal::not_found, fmt::format("no institution named {}", who), false);
        return;
      }
      if (who != channel->name()) {
        refuse(refusal::forbidden, fmt::format("the token is {}'s; it cannot read {}'s reports", channel->name(), who),
               false);
        return;
      }
    }
  }
  if (s.counters.open_connections() >= s.config.max_connections) {
    refuse(refusal::too_many_connections,
           fmt::format("the server holds its maximum of {} connections", s.config.max_connections), false);
    return;
  }
  std::shared_ptr<ws_session> session;
  if (path == "/ws/instruments") {
    session = std::make_shared<instruments_session>(std::move(stream_), state_);
  } else if (path == "/ws/quotes") {
    const auto* symbols = target->param("symbols");
    session = std::make_shared<quotes_session>(std::move(stream_), state_,
                                               symbols != nullptr ? split_list(*symbols) : std::vector<std::string>{});
  } else if (path == "/ws/order") {
    session = std::make_shared<order_session>(std::move(stream_), state_, *channel);
  } else {
    std::optional<sequence_number> from;
    if (const auto* text = target->param("from")) {
      from = parse_sequence(*text);
      if (!from) {
        refuse(refusal::bad_request, fmt::format("from={} is not a sequence number", *text), false);
        return;
      }
    }
    session = std::make_shared<updates_session>(std::move(stream_), state_, *channel, from);
  }
  const auto early = buffer_.cdata(); // frames a client sent right behind its request
  session->run(std::move(req), std::string_view(static_cast<const char*>(early.data()), early.size()));
}

void http_session::respond(http::status status, std::string_view content_type, std::string body, bool keep_alive) {
  auto res = std::make_shared<http::response<http::string_body>>(status, 11);
  res->set(http::field::server, "minibroker");
  res->set(http::field::content_type, content_type);
  res->keep_alive(keep_alive);
  res->body() = std::move(body);
  res->prepare_payload();
  response_ = res;
  stream_.expires_after(state_->config.idle_timeout);
  http::async_write(stream_, *res, beast::bind_front_handler(&http_session::on_write, shared_from_this(), keep_alive));
}

void http_session::refuse(refusal why, std::string_view text, bool keep_alive) {
  server_counters::add(state_->counters.refusals(why));
  fmt::memory_buffer body;
  fmt::format_to(std::back_inserter(body), R"({{"error":"{}","text":)", to_string(why));
  replay::append_json_string(body, text);
  body.append(std::string_view{"}\n"});
  respond(static_cast<http::status>(http_status(why)), "application/json", fmt::to_string(body), keep_alive);
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t /*bytes*/) {
  response_.reset();
  if (ec) {
    server_counters::add(state_->counters.network_errors);
    return;
  }
  if (!keep_alive) {
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    return;
  }
  do_read();
}

} // namespace minibroker::ws::detail
