#include "order_sessions.hpp"

#include <fmt/format.h>

#include "minibroker/ws/decode.hpp"
#include "minibroker/ws/encode.hpp"
#include "server_state.hpp"

namespace minibroker::ws::detail {
namespace {

const std::string& symbol_of(const order_message& m) {
  return std::visit([](const auto& x) -> const std::string& { return x.symbol; }, m);
}

} // namespace

void order_session::on_text(std::string_view text) {
  auto& counters = state().counters;
  auto m = decode_order_message(text);
  if (!m) {
    server_counters::add(counters.errors(m.error().code));
    send(encode_error(m.error()));
    return;
  }
  const request_kind kind = kind_of(*m);
  auto translated = to_order_request(*m, channel_.id(), state().instruments);
  if (!translated) {
    server_counters::add(counters.rejects(translated.error().reason));
    send(encode_reject(kind, client_id_of(*m), symbol_of(*m), translated.error().reason, translated.error().text));
    return;
  }
  const auto self = std::static_pointer_cast<order_session>(shared_from_this());
  const auto req = request_number_of(*m);
  if (req && channel_.answer_resend(client_id_of(*m), *req, kind, symbol_of(*m), self)) {
    return; // the exchange has it already: executed once, answered again
  }
  channel_.expect(client_id_of(*m), kind, self, req.value_or(0));
  state().ex.api().submit(channel_.id(), traced_request{*translated, order_trace{}});
}

void updates_session::on_open() {
  const sequence_number live = channel_.last_seq() + 1;
  next_ = live;
  if (from_) {
    const sequence_number from = std::max<sequence_number>(*from_, 1);
    if (from < channel_.first_seq()) {
      server_counters::add(state().counters.resyncs_refused);
      close(close_resync_unavailable,
            fmt::format("resync unavailable: the journal starts at {}", channel_.first_seq()));
      return;
    }
    next_ = std::min(from, live);
  }
  backlog_ = live - next_; // a resync may start this far behind
  channel_.add_reader(std::static_pointer_cast<updates_session>(shared_from_this()));
  on_journaled();
}

void updates_session::on_journaled() {
  if (!live()) {
    return;
  }
  const sequence_number behind = channel_.last_seq() + 1 - next_;
  if (behind > state().config.max_queued_messages + backlog_) {
    close_slow(fmt::format("slow consumer: {} reports behind; reconnect with ?from={}", behind, next_));
    return;
  }
  kick();
}

ws_session::message updates_session::pull() {
  if (next_ > channel_.last_seq()) {
    return {};
  }
  auto m = channel_.at(next_);
  if (!m) {
    close(close_resync_unavailable, fmt::format("resync unavailable: the journal starts at {}", channel_.first_seq()));
    return {};
  }
  ++next_;
  return m;
}

void updates_session::on_text(std::string_view /*text*/) {
  server_counters::add(state().counters.errors(codec_error::unexpected_message));
  send(encode_error(codec_error::unexpected_message, "/ws/order/update takes no messages"));
}

void updates_session::on_closed() { channel_.remove_reader(this); }

} // namespace minibroker::ws::detail
