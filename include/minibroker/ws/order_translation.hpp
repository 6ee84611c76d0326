#pragma once
// From a decoded order message to the exchange's request: the symbol becomes an instrument id, the
// decimal price becomes ticks with that instrument's tick size, the institution is the one the
// connection authenticated as. What cannot be resolved is a reject with the exchange's reasons
// (unknown_instrument, invalid_price, price_not_on_tick), naming the client order id.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include "minibroker/core/records.hpp"
#include "minibroker/gateway/order_trace.hpp"
#include "minibroker/ws/messages.hpp"

namespace minibroker::ws {

// Instruments by symbol and by id. Thread safety: none; fill at set-up, then read-only.
class instrument_directory {
public:
  // Adds or updates (by id) an instrument.
  void put(const instrument& i);
  [[nodiscard]] const instrument* find(std::string_view symbol) const noexcept;
  [[nodiscard]] const instrument* find(instrument_id id) const noexcept;
  // The instrument's position in all() (stable: instruments are never removed).
  [[nodiscard]] std::optional<std::size_t> index_of(instrument_id id) const noexcept;
  [[nodiscard]] const std::vector<instrument>& all() const noexcept { return instruments_; }

private:
  std::vector<instrument> instruments_; // in insertion order
  boost::unordered_flat_map<std::string, std::size_t> by_symbol_;
  boost::unordered_flat_map<std::uint32_t, std::size_t> by_id_;
};

struct translation_reject {
  reject_reason reason = reject_reason::none;
  std::string text;
};

// For boost::system::result<T, translation_reject>::value() on an error: throws std::invalid_argument.
[[noreturn]] void throw_exception_from_error(const translation_reject& e, const boost::source_location& loc);

boost::system::result<order_request, translation_reject>
to_order_request(const order_message& m, institution_id institution, const instrument_directory& instruments);

} // namespace minibroker::ws
