#pragma once
// Internal: the two authenticated endpoints. /ws/order turns each message into a request for the
// exchange (or answers it at once with an error or a reject); /ws/order/update/{institution}
// sends the institution's journal from a cursor: from ?from=SEQ when given, else from the next
// report. A reader more than max_queued_messages behind is closed (4001); a cursor older than the
// journal is refused (4002).

#include <optional>

#include "order_hub.hpp"
#include "ws_session.hpp"

namespace minibroker::ws::detail {

class order_session final : public ws_session {
public:
  order_session(beast::tcp_stream&& stream, state_ptr state, institution_channel& channel)
      : ws_session(std::move(stream), std::move(state), endpoint::order), channel_(channel) {}

private:
  void on_open() override {}
  void on_text(std::string_view text) override;

  institution_channel& channel_;
};

class updates_session final : public ws_session {
public:
  updates_session(beast::tcp_stream&& stream, state_ptr state, institution_channel& channel,
                  std::optional<sequence_number> from)
      : ws_session(std::move(stream), std::move(state), endpoint::order_update), channel_(channel), from_(from) {}

  // A report was journaled.
  void on_journaled();

private:
  void on_open() override;
  void on_text(std::string_view text) override;
  void on_closed() override;
  message pull() override;

  institution_channel& channel_;
  std::optional<sequence_number> from_;
  sequence_number next_ = 1;
  sequence_number backlog_ = 0;
};

} // namespace minibroker::ws::detail
