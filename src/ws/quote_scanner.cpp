#include <cstddef>
#include <cstdint>
#include <limits>

#include "client_decode_paths.hpp"

namespace minibroker::ws::detail {
namespace {

class scanner {
public:
  explicit scanner(std::string_view text) noexcept : text_(text) {}

  bool literal(std::string_view expected) noexcept {
    if (text_.substr(at_, expected.size()) != expected) {
      return false;
    }
    at_ += expected.size();
    return true;
  }

  // A JSON string of printable ASCII without escapes; its contents.
  std::optional<std::string_view> string() noexcept {
    if (!literal("\"")) {
      return std::nullopt;
    }
    const std::size_t start = at_;
    for (; at_ < text_.size() && text_[at_] != '"'; ++at_) {
      const auto c = static_cast<unsigned char>(text_[at_]);
      if (c < 0x20 || c > 0x7e || c == '\\') {
        return std::nullopt;
      }
    }
    if (at_ == text_.size()) {
      return std::nullopt;
    }
    return text_.substr(start, at_++ - start);
  }

  // A JSON integer without a sign that fits an int64 (a time in nanoseconds has 19 digits).
  std::optional<std::int64_t> natural() noexcept {
    constexpr std::size_t max_digits = 19; // 19 nines still fit a uint64
    const std::size_t start = at_;
    std::uint64_t n = 0;
    for (; at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9'; ++at_) {
      if (at_ - start == max_digits) {
        return std::nullopt;
      }
      n = n * 10 + static_cast<std::uint64_t>(text_[at_] - '0');
    }
    const std::size_t digits = at_ - start;
    if (digits == 0 || (digits > 1 && text_[start] == '0') ||
        n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(n);
  }

  std::optional<price> px(decimal tick) noexcept {
    const auto text = string();
    if (!text) {
      return std::nullopt;
    }
    const auto p = parse_price(*text, tick);
    return p ? std::optional<price>(*p) : std::nullopt;
  }

  [[nodiscard]] bool at_end() const noexcept { return at_ == text_.size(); }

private:
  std::string_view text_;
  std::size_t at_ = 0;
};

} // namespace

std::optional<quote> read_quote_fast(std::string_view text, const instrument_directory& instruments) noexcept {
  scanner s(text);
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

} // namespace minibroker::ws::detail
