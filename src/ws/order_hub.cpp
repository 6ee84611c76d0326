#include "order_hub.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "encode_to.hpp"
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
  fmt::memory_buffer text; // encoded on the stack, copied once into the shared text
  encode_report_to(text, last_seq() + 1, r, i);
  journal_.emplace_back(std::string_view(text.data(), text.size()));
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
  const std::uint64_t req = p->req;
  const auto session = p->session.lock();
  const auto resent_on = std::move(p->resent_on);
  waiting.erase(p);
  if (waiting.empty()) {
    pending_.erase(it);
  }
  if (!session && req == 0) {
    return;
  }
  // Built even when its connection is gone: a resend of a numbered request gets it then.
  const bool rejected = r.type == exec_type::rejected;
  fmt::memory_buffer text;
  if (rejected) {
    text.append(encode_reject(kind, r.client_id, i.symbol, r.reason, describe(r.reason)));
  } else {
    encode_ack_to(text, kind, r, i);
  }
  const message answer(std::string_view(text.data(), text.size()));
  if (req != 0) {
    keep_answer(r.client_id, req, answer);
  }
  if (session) {
    server_counters::add(rejected ? counters_.rejects(r.reason) : counters_.acks);
    session->send(answer);
  }
  for (const auto& w : resent_on) {
    if (const auto again = w.lock()) {
      server_counters::add(rejected ? counters_.rejects(r.reason) : counters_.acks);
      again->send(answer);
    }
  }
}

void institution_channel::keep_answer(client_order_id id, std::uint64_t req, message answer) {
  const answer_key key{id.value(), req};
  answers_[key] = std::move(answer);
  answer_order_.push_back(key);
  if (answer_order_.size() > capacity_) {
    answers_.erase(answer_order_.front());
    answer_order_.pop_front();
  }
}

void institution_channel::expect(client_order_id id, request_kind kind, const std::shared_ptr<order_session>& from,
                                 std::uint64_t req) {
  pending_[id.value()].push_back(pending{kind, from, req});
  if (req != 0) {
    auto& last = last_req_[id.value()];
    last = std::max(last, req);
  }
}

bool institution_channel::answer_resend(client_order_id id, std::uint64_t req, request_kind kind,
                                        std::string_view symbol, const std::shared_ptr<order_session>& from) {
  const auto last = last_req_.find(id.value());
  if (last == last_req_.end() || req > last->second) {
    return false;
  }
  server_counters::add(counters_.resends);
  if (const auto it = pending_.find(id.value()); it != pending_.end()) {
    for (auto& p : it->second) {
      if (p.req == req) {
        p.resent_on.push_back(from); // still in the exchange: answered here too when decided
        return true;
      }
    }
  }
  if (const auto it = answers_.find(answer_key{id.value(), req}); it != answers_.end()) {
    from->send(it->second);
    return true;
  }
  server_counters::add(counters_.rejects(reject_reason::duplicate_client_order_id));
  from->send(
      encode_reject(kind, id, symbol, reject_reason::duplicate_client_order_id,
                    fmt::format("request {} on this id was received before; its answer is no longer kept", req)));
  return true;
}

institution_channel::message institution_channel::at(sequence_number seq) const {
  if (seq < journal_first_ || seq > last_seq()) {
    return {};
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
