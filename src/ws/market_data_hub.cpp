#include "market_data_hub.hpp"

#include <algorithm>

#include "encode_to.hpp"
#include "market_data_sessions.hpp"
#include "minibroker/ws/encode.hpp"

namespace minibroker::ws::detail {
namespace {

template <class T>
void forget(std::vector<std::weak_ptr<T>>& readers, const ws_session* s) {
  std::erase_if(readers, [s](const std::weak_ptr<T>& w) {
    const auto p = w.lock();
    return p == nullptr || p.get() == s;
  });
}

} // namespace

std::size_t market_data_hub::slot(const instrument& i) {
  instruments_.put(i);
  const std::size_t index = *instruments_.index_of(i.id);
  if (index >= latest_instrument_.size()) {
    latest_instrument_.resize(index + 1);
    latest_quote_.resize(index + 1);
  }
  return index;
}

void market_data_hub::on_instrument(const instrument& update) {
  const std::size_t index = slot(update);
  const message m(encode_instrument(update));
  latest_instrument_[index] = m;
  for (const auto& w : instrument_readers_) {
    if (const auto s = w.lock()) {
      s->send_latest(index, m);
    }
  }
}

void market_data_hub::on_quote(const quote& update) {
  const auto index = instruments_.index_of(update.instrument);
  if (!index) {
    return; // the feed sends every instrument before its quotes
  }
  const instrument& i = instruments_.all()[*index];
  if (*index >= latest_quote_.size()) {
    latest_instrument_.resize(*index + 1);
    latest_quote_.resize(*index + 1);
  }
  fmt::memory_buffer text;
  encode_quote_to(text, update, i);
  const message m(std::string_view(text.data(), text.size()));
  latest_quote_[*index] = m;
  for (const auto& w : quote_readers_) {
    if (const auto s = w.lock(); s && s->wants(*index)) {
      s->send_latest(*index, m);
    }
  }
}

void market_data_hub::add_instruments_reader(const std::shared_ptr<ws_session>& s) {
  std::size_t count = 0;
  for (std::size_t index = 0; index < latest_instrument_.size(); ++index) {
    if (latest_instrument_[index]) {
      s->send_latest(index, latest_instrument_[index]);
      ++count;
    }
  }
  s->send(encode_snapshot_end(count));
  instrument_readers_.push_back(s);
}

void market_data_hub::add_quotes_reader(const std::shared_ptr<quotes_session>& s) { quote_readers_.push_back(s); }

void market_data_hub::remove(const ws_session* s) {
  forget(instrument_readers_, s);
  forget(quote_readers_, s);
}

void market_data_hub::send_quote_snapshot(quotes_session& s) const {
  std::size_t count = 0;
  for (std::size_t index = 0; index < latest_quote_.size(); ++index) {
    if (latest_quote_[index] && s.wants(index)) {
      s.send_latest(index, latest_quote_[index]);
      ++count;
    }
  }
  s.send(encode_snapshot_end(count));
}

} // namespace minibroker::ws::detail
