#pragma once
// Internal: the two public market-data endpoints. /ws/instruments takes no messages; /ws/quotes
// takes "subscribe" to narrow (or widen) its symbols, and answers each with a fresh snapshot.

#include <string>
#include <vector>

#include "ws_session.hpp"

namespace minibroker::ws::detail {

class instruments_session final : public ws_session {
public:
  instruments_session(beast::tcp_stream&& stream, state_ptr state)
      : ws_session(std::move(stream), std::move(state), endpoint::instruments) {}

private:
  void on_open() override;
  void on_text(std::string_view text) override;
  void on_closed() override;
};

class quotes_session final : public ws_session {
public:
  // `symbols`: the ?symbols= of the upgrade request (empty: all).
  quotes_session(beast::tcp_stream&& stream, state_ptr state, std::vector<std::string> symbols)
      : ws_session(std::move(stream), std::move(state), endpoint::quotes), initial_(std::move(symbols)) {}

  [[nodiscard]] bool wants(std::size_t index) const noexcept {
    return all_ || (index < wanted_.size() && wanted_[index]);
  }

private:
  void on_open() override;
  void on_text(std::string_view text) override;
  void on_closed() override;
  // Sets the symbols and sends their snapshot; an unknown symbol is an error and changes nothing.
  void subscribe(const std::vector<std::string>& symbols);

  std::vector<std::string> initial_;
  std::vector<bool> wanted_; // by directory index
  bool all_ = true;
};

} // namespace minibroker::ws::detail
