#pragma once
// Internal: one institution as the server sees it. Attached to the exchange as the institution's
// session, it numbers every execution report (1, 2, ... per institution), encodes it once into a
// bounded journal that the institution's /ws/order/update connections read with a cursor each,
// and answers the /ws/order request that the report settles (an ack or a reject).
//
// Which report settles a request: for "new", its first report (new, or rejected); for "cancel", a
// cancelled or rejected report; for "replace", a replaced or rejected one; per client order id,
// in the order the requests were sent. Everything on the server's strand.
//
// Resends. A request may carry its number on its order ("req": 1 for the new order, 2, 3, ... for
// the cancels and replaces after it). One whose number is not above the highest the channel has
// had for that order is a resend of a request the exchange already has: it is not executed again
// but answered with the original's answer (at once, or when the original is decided), so a client
// that resends everything unanswered after a reconnect gets each request executed exactly once.
// The last `journal_capacity` answers are kept for this; an older one is answered with a
// duplicate_client_order_id reject.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/container/small_vector.hpp>
#include <boost/container_hash/hash.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include "minibroker/gateway/order_gateway.hpp"
#include "minibroker/ws/messages.hpp"
#include "minibroker/ws/order_translation.hpp"
#include "server_counters.hpp"
#include "shared_text.hpp"

namespace minibroker::ws::detail {

class order_session;
class updates_session;

class institution_channel final : public report_listener {
public:
  using message = shared_text;

  institution_channel(institution_id id, std::string name, std::string token, std::size_t journal_capacity,
                      const instrument_directory& instruments, server_counters& counters);

  void on_report(const traced_report& report) override;

  // A request sent on `from`; the report that settles it is answered there. `req`: its number on
  // its order, 0 when it has none.
  void expect(client_order_id id, request_kind kind, const std::shared_ptr<order_session>& from, std::uint64_t req = 0);
  // True when request `req` on order `id` is a resend of one the channel already has: then it is
  // answered on `from` (now, or when its report comes) and must not reach the exchange again.
  bool answer_resend(client_order_id id, std::uint64_t req, request_kind kind, std::string_view symbol,
                     const std::shared_ptr<order_session>& from);

  // The journal: reports first_seq()..last_seq(); at() is empty outside it.
  [[nodiscard]] sequence_number first_seq() const noexcept { return journal_first_; }
  [[nodiscard]] sequence_number last_seq() const noexcept { return journal_first_ + journal_.size() - 1; }
  [[nodiscard]] message at(sequence_number seq) const;

  void add_reader(const std::shared_ptr<updates_session>& s);
  void remove_reader(const updates_session* s);

  [[nodiscard]] institution_id id() const noexcept { return id_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const std::string& token() const noexcept { return token_; }

private:
  struct pending {
    request_kind kind;
    std::weak_ptr<order_session> session;
    std::uint64_t req = 0;
    // Connections the request was resent on while still in the exchange: each gets the answer
    // too (the first connection may be dead, or may be the one still delivering a stale copy).
    std::vector<std::weak_ptr<order_session>> resent_on;
  };
  struct answer_key {
    std::uint64_t id;
    std::uint64_t req;
    friend bool operator==(const answer_key&, const answer_key&) = default;
  };
  struct answer_key_hash {
    std::size_t operator()(const answer_key& k) const noexcept {
      std::size_t h = 0;
      boost::hash_combine(h, k.id);
      boost::hash_combine(h, k.req);
      return h;
    }
  };
  void keep_answer(client_order_id id, std::uint64_t req, message answer);
  void settle(const execution_report& r, const instrument& i);

  institution_id id_;
  std::string name_;
  std::string token_;
  std::size_t capacity_;
  const instrument_directory& instruments_;
  server_counters& counters_;
  std::deque<message> journal_;
  sequence_number journal_first_ = 1;
  std::vector<std::weak_ptr<updates_session>> readers_;
  // By client order id; usually one request waits per order, kept inline (a std::deque here cost
  // two allocations and two frees per order).
  boost::unordered_flat_map<std::uint64_t, boost::container::small_vector<pending, 1>> pending_;
  boost::unordered_flat_map<std::uint64_t, std::uint64_t> last_req_; // the highest req, by client order id
  boost::unordered_flat_map<answer_key, message, answer_key_hash> answers_;
  std::deque<answer_key> answer_order_; // oldest first, at most capacity_
};

} // namespace minibroker::ws::detail
