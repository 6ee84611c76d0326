#include "client_decode_paths.hpp"
#include "json_scanner.hpp"

namespace minibroker::ws::detail {
namespace {

// Text to enum by the enum's own to_string(), for the enums core has no parser for.
std::optional<request_kind> request_kind_named(std::string_view text) noexcept {
  for (const auto k : {request_kind::new_order, request_kind::cancel, request_kind::replace}) {
    if (to_string(k) == text) {
      return k;
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<quote> read_quote_fast(std::string_view text, const instrument_directory& instruments) noexcept {
  json_scanner s(text);
  if (!s.literal(R"({"type":"quote","symbol":)")) {
    return std::nullopt;
  }
  const auto symbol = s.string();
  const instrument* i = symbol ? instruments.find(*symbol) : nullptr;
  if (i == nullptr) {
    return std::nullopt;
  }
  quote q;
  q.instrument = i->id;
  std::optional<std::int64_t> seq, bid_size, ask_size, time;
  std::optional<price> bid, ask, last;
  // Each step runs only if the ones before it matched (&&), in the order encode_quote writes.
  const bool whole = s.literal(R"(,"seq":)") && (seq = s.natural()) && s.literal(R"(,"bid":)") &&
                     (bid = s.px(i->tick_size)) && s.literal(R"(,"bid_size":)") && (bid_size = s.natural()) &&
                     s.literal(R"(,"ask":)") && (ask = s.px(i->tick_size)) && s.literal(R"(,"ask_size":)") &&
                     (ask_size = s.natural()) && s.literal(R"(,"last":)") && (last = s.px(i->tick_size)) &&
                     s.literal(R"(,"time":)") && (time = s.natural()) && s.literal("}") && s.at_end();
  if (!whole) {
    return std::nullopt;
  }
  q.sequence = static_cast<sequence_number>(*seq);
  q.bid = *bid;
  q.bid_size = quantity{*bid_size};
  q.ask = *ask;
  q.ask_size = quantity{*ask_size};
  q.last = *last;
  q.time = timestamp{duration{*time}};
  return q;
}

std::optional<ack_message> read_ack_fast(std::string_view text) {
  json_scanner s(text);
  if (!s.literal(R"({"type":"ack","request":)")) {
    return std::nullopt;
  }
  std::optional<std::string_view> kind, symbol, status;
  std::optional<std::int64_t> id, order, cum_qty, open_qty;
  // In the order encode_ack writes.
  const bool whole = (kind = s.string()) && s.literal(R"(,"id":)") && (id = s.positive()) &&
                     s.literal(R"(,"symbol":)") && (symbol = s.string()) && s.literal(R"(,"order_id":)") &&
                     (order = s.natural()) && s.literal(R"(,"status":)") && (status = s.string()) &&
                     s.literal(R"(,"cum_qty":)") && (cum_qty = s.natural()) && s.literal(R"(,"open_qty":)") &&
                     (open_qty = s.natural()) && s.literal("}") && s.at_end();
  if (!whole) {
    return std::nullopt;
  }
  const auto k = request_kind_named(*kind);
  const auto st = order_status_from_string(*status);
  if (!k || !st) {
    return std::nullopt;
  }
  ack_message a;
  a.kind = *k;
  a.id = client_order_id{static_cast<std::uint64_t>(*id)};
  a.symbol = std::string(*symbol);
  a.order = order_id{static_cast<std::uint64_t>(*order)};
  a.status = *st;
  a.cum_qty = quantity{*cum_qty};
  a.open_qty = quantity{*open_qty};
  return a;
}

} // namespace minibroker::ws::detail
