#include "market_data_sessions.hpp"

#include <fmt/format.h>

#include "minibroker/ws/decode.hpp"
#include "minibroker/ws/encode.hpp"
#include "server_state.hpp"

namespace minibroker::ws::detail {

void instruments_session::on_open() { state().market.add_instruments_reader(shared_from_this()); }

void instruments_session::on_text(std::string_view /*text*/) {
  server_counters::add(state().counters.errors(codec_error::unexpected_message));
  send(encode_error(codec_error::unexpected_message, "/ws/instruments takes no messages"));
}

void instruments_session::on_closed() { state().market.remove(this); }

void quotes_session::on_open() {
  state().market.add_quotes_reader(std::static_pointer_cast<quotes_session>(shared_from_this()));
  subscribe(initial_);
}

void quotes_session::on_text(std::string_view text) {
  auto s = decode_quote_subscription(text);
  if (!s) {
    server_counters::add(state().counters.errors(s.error().code));
    send(encode_error(s.error()));
    return;
  }
  subscribe(s->symbols);
}

void quotes_session::subscribe(const std::vector<std::string>& symbols) {
  std::vector<bool> wanted;
  for (const auto& symbol : symbols) {
    const instrument* i = state().instruments.find(symbol);
    if (i == nullptr) {
      server_counters::add(state().counters.errors(codec_error::invalid_value));
      send(encode_error(codec_error::invalid_value, fmt::format("no instrument has the symbol \"{}\"", symbol)));
      return;
    }
    const std::size_t index = *state().instruments.index_of(i->id);
    if (index >= wanted.size()) {
      wanted.resize(index + 1);
    }
    wanted[index] = true;
  }
  wanted_ = std::move(wanted);
  all_ = symbols.empty();
  state().market.send_quote_snapshot(*this);
}

void quotes_session::on_closed() { state().market.remove(this); }

} // namespace minibroker::ws::detail
