// Fuzz target: every inbound WebSocket message decoder, both sides (docs/protocol.md), and the
// HTTP request target the server routes and authenticates on. The first byte picks the decoder,
// the rest is the frame's text. Whatever the input, nothing crashes, a refusal always says why,
// and a decoded order message either translates into a request or is refused with a reason. A
// quote the client's fast path reads is read the same by the general decoder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "client_decode_paths.hpp"
#include "minibroker/ws/client_decode.hpp"
#include "minibroker/ws/decode.hpp"
#include "minibroker/ws/order_translation.hpp"
#include "order_decode_paths.hpp"
#include "request_target.hpp"

namespace {

const minibroker::ws::instrument_directory& directory() {
  static const minibroker::ws::instrument_directory d = [] {
    minibroker::ws::instrument_directory dir;
    minibroker::instrument acme;
    acme.id = minibroker::instrument_id{1};
    acme.symbol = "ACME";
    acme.tick_size = minibroker::decimal{5, 2}; // 0.05
    acme.lot_size = minibroker::quantity{10};
    dir.put(acme);
    return dir;
  }();
  return d;
}

template <typename Result>
void expect_reason(const Result& r) {
  if (!r && r.error().text.empty()) {
    std::abort(); // every refusal says why
  }
}

void expect_same_quote(std::string_view text) {
  const auto fast = minibroker::ws::detail::read_quote_fast(text, directory());
  if (!fast) {
    return;
  }
  const auto general = minibroker::ws::detail::decode_parsed(text, directory());
  const auto* q = general ? std::get_if<minibroker::quote>(&*general) : nullptr;
  if (q == nullptr || q->instrument != fast->instrument || q->sequence != fast->sequence || q->bid != fast->bid ||
      q->bid_size != fast->bid_size || q->ask != fast->ask || q->ask_size != fast->ask_size || q->last != fast->last ||
      q->time != fast->time) {
    std::abort();
  }
}

void expect_same_ack(std::string_view text) {
  const auto fast = minibroker::ws::detail::read_ack_fast(text);
  if (!fast) {
    return;
  }
  const auto general = minibroker::ws::detail::decode_parsed(text, directory());
  const auto* a = general ? std::get_if<minibroker::ws::ack_message>(&*general) : nullptr;
  if (a == nullptr || !(*a == *fast)) {
    std::abort();
  }
}

void expect_same_order(std::string_view text) {
  const auto fast = minibroker::ws::detail::read_order_fast(text);
  if (!fast) {
    return;
  }
  const auto general = minibroker::ws::detail::decode_order_parsed(text);
  if (!general || !(*general == *fast)) {
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) {
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
  case 0: {
    auto m = minibroker::ws::decode_order_message(text);
    expect_reason(m);
    expect_same_order(text);
    if (m) {
      auto request = minibroker::ws::to_order_request(*m, minibroker::institution_id{1}, directory());
      if (!request && request.error().reason == minibroker::reject_reason::none) {
        std::abort(); // a refused translation names its reason
      }
    }
    break;
  }
  case 1: expect_reason(minibroker::ws::decode_quote_subscription(text)); break;
  case 2:
    expect_reason(minibroker::ws::decode_server_message(text, directory()));
    expect_same_quote(text);
    expect_same_ack(text);
    break;
  default:
    if (auto target = minibroker::ws::detail::parse_target(text)) {
      (void)minibroker::ws::detail::bearer_token(text, *target);
      (void)minibroker::ws::detail::split_list(text);
    }
    break;
  }
  return 0;
}
