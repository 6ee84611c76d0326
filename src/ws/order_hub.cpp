#include "order_hub.hpp"

#include <algorithm>

#include "minibroker/ws/encode.hpp"
#include "order_sessions.hpp"

namespace minibroker::ws::detail {
namespace {

bool settles(request_kind kind, exec_type type) noexcept {
  if (type == exec_type::rejected) {
    return true;
  }
  switch (kind) {
  case request_kind::new_order: return type == exec_type::new_order;
  case request_kind::cancel: return type == exec_type::cancelled;
  case request_kind::replace: return type == exec_type::replaced;
  }
  return false;
}

const instrument& unknown_instrument() {
  static const instrument none{};
  return none;
}

} // namespace

institution_channel::institution_channel(institution_id id, std::string name, std::string token,
                                         std::size_t journal_capacity, const instrument_directory& instruments,
                                         server_counters& counters)
    : id_(id), name_(std::move(name)), token_(std::move(token)), capacity_(std::max<std::size_t>(journal_capacity, 1)),
      instruments_(instruments), counters_(counters) {}

void institution_channel::on_report(const traced_report& report) {
  const execution_report& r = report.report;
  const instrument* found = instruments_.find(r.instrument);
  const instrument& i = found != nullptr ? *found : unknown_instrument();
  journal_.push_back(std::make_shared<const std::string>(encode_report(last_seq() + 1, r, i)));
  server_counters::add(counters_.reports);
  if (journal_.size() > capacity_) {
    journal_.pop_front();
    ++journal_first_;
  }
  for (const auto& w : readers_) {
    if (const auto s = w.lock()) {
      s->on_journaled();
    }
  }
  settle(r, i);
}

void institution_channel::settle(const execution_report& r, const instrument& i) {
  const auto it = pending_.find(r.client_id.value());
  if (it == pending_.end()) {
    return;
  }
  auto& waiting = it->second;
  const auto p =
      std::find_if(waiting.begin(), waiting.end(), [&](const pending& x) { return settles(x.kind, r.type); });
  if (p == waiting.end()) {
    return;
  }
  const request_kind kind = p->kind;
  const auto session = p->session.lock();
  waiting.erase(p);
  if (waiting.empty()) {
    pending_.erase(it);
  }
  if (!session) {
    return;
  }
  if (r.type == exec_type::rejected) {
    server_counters::add(counters_.rejects(r.reason));
    session->send(encode_reject(kind, r.client_id, i.symbol, r.reason, describe(r.reason)));
  } else {
    server_counters::add(counters_.acks);
    session->send(encode_ack(kind, r, i));
  }
}

void institution_channel::expect(client_order_id id, request_kind kind, const std::shared_ptr<order_session>& from) {
  pending_[id.value()].push_back(pending{kind, from});
}

institution_channel::message institution_channel::at(sequence_number seq) const {
  if (seq < journal_first_ || seq > last_seq()) {
    return nullptr;
  }
  return journal_[seq - journal_first_];
}

void institution_channel::add_reader(const std::shared_ptr<updates_session>& s) { readers_.push_back(s); }

void institution_channel::remove_reader(const updates_session* s) {
  std::erase_if(readers_, [s](const std::weak_ptr<updates_session>& w) {
    const auto p = w.lock();
    return p == nullptr || p.get() == s;
  });
}

} // namespace minibroker::ws::detail
