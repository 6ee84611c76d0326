#pragma once
// Internal: one institution as the server sees it. Attached to the exchange as the institution's
// session, it numbers every execution report (1, 2, ... per institution), encodes it once into a
// bounded journal that the institution's /ws/order/update connections read with a cursor each,
// and answers the /ws/order request that the report settles (an ack or a reject).
//
// Which report settles a request: for "new", its first report (new, or rejected); for "cancel", a
// cancelled or rejected report; for "replace", a replaced or rejected one; per client order id,
// in the order the requests were sent. Everything on the server's strand.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "minibroker/gateway/order_gateway.hpp"
#include "minibroker/ws/messages.hpp"
#include "minibroker/ws/order_translation.hpp"
#include "server_counters.hpp"

namespace minibroker::ws::detail {

class order_session;
class updates_session;

class institution_channel final : public report_listener {
public:
  using message = std::shared_ptr<const std::string>;

  institution_channel(institution_id id, std::string name, std::string token, std::size_t journal_capacity,
                      const instrument_directory& instruments, server_counters& counters);

  void on_report(const traced_report& report) override;

  // A request sent on `from`; the report that settles it is answered there.
  void expect(client_order_id id, request_kind kind, const std::shared_ptr<order_session>& from);

  // The journal: reports first_seq()..last_seq(); at() is nullptr outside it.
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
  };
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
  boost::unordered_flat_map<std::uint64_t, std::deque<pending>> pending_; // by client order id
};

} // namespace minibroker::ws::detail
