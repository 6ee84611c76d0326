#include "minibroker/ws/order_translation.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "minibroker/core/decimal.hpp"

namespace minibroker::ws {
namespace {

boost::system::result<price, translation_reject> to_ticks(const std::string& text, const instrument& i) {
  auto p = parse_price(text, i.tick_size);
  if (p) {
    return *p;
  }
  if (p.error() == decimal_error::not_on_tick) {
    return translation_reject{
        reject_reason::price_not_on_tick,
        fmt::format("price \"{}\" is not a multiple of {}'s tick size {}", text, i.symbol, i.tick_size)};
  }
  return translation_reject{reject_reason::invalid_price,
                            fmt::format("price \"{}\" is not a decimal number ({})", text, p.error().message())};
}

translation_reject unknown_symbol(std::string_view symbol) {
  return {reject_reason::unknown_instrument, fmt::format("no instrument has the symbol \"{}\"", symbol)};
}

} // namespace

void instrument_directory::put(const instrument& i) {
  if (const auto it = by_id_.find(i.id.value()); it != by_id_.end()) {
    auto& old = instruments_[it->second];
    if (old.symbol != i.symbol) {
      by_symbol_.erase(old.symbol);
      by_symbol_.emplace(i.symbol, it->second);
    }
    old = i;
    return;
  }
  by_id_.emplace(i.id.value(), instruments_.size());
  by_symbol_.emplace(i.symbol, instruments_.size());
  instruments_.push_back(i);
}

const instrument* instrument_directory::find(std::string_view symbol) const noexcept {
  const auto it = by_symbol_.find(std::string(symbol));
  return it == by_symbol_.end() ? nullptr : &instruments_[it->second];
}

const instrument* instrument_directory::find(instrument_id id) const noexcept {
  const auto it = by_id_.find(id.value());
  return it == by_id_.end() ? nullptr : &instruments_[it->second];
}

std::optional<std::size_t> instrument_directory::index_of(instrument_id id) const noexcept {
  const auto it = by_id_.find(id.value());
  return it == by_id_.end() ? std::nullopt : std::optional<std::size_t>(it->second);
}

void throw_exception_from_error(const translation_reject& e, const boost::source_location& /*loc*/) {
  throw std::invalid_argument(fmt::format("{}: {}", e.reason, e.text));
}

boost::system::result<order_request, translation_reject>
to_order_request(const order_message& m, institution_id institution, const instrument_directory& instruments) {
  return std::visit(
      [&](const auto& msg) -> boost::system::result<order_request, translation_reject> {
        const instrument* i = instruments.find(msg.symbol);
        if (i == nullptr) {
          return unknown_symbol(msg.symbol);
        }
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, new_order_message>) {
          new_order_request r{institution, msg.id, i->id, msg.order_side, msg.type, msg.tif, std::nullopt, msg.qty};
          if (msg.price) {
            auto p = to_ticks(*msg.price, *i);
            if (!p) {
              return p.error();
            }
            r.limit_price = *p;
          }
          return order_request{r};
        } else if constexpr (std::is_same_v<T, cancel_message>) {
          return order_request{cancel_request{institution, msg.id, i->id}};
        } else {
          replace_request r{institution, msg.id, i->id, std::nullopt, msg.qty};
          if (msg.price) {
            auto p = to_ticks(*msg.price, *i);
            if (!p) {
              return p.error();
            }
            r.new_price = *p;
          }
          return order_request{r};
        }
      },
      m);
}

} // namespace minibroker::ws
