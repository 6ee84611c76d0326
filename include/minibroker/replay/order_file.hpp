#pragma once
// The order file: the CSV that `minibroker replay` reads and `minibroker gen-orders` writes.
// Format (docs/order-file.md):
//
//   action,id,institution,symbol,side,type,tif,price,qty
//   new,1,alice,ACME,buy,limit,gtc,100.25,10
//   new,2,bob,ACME,sell,market,ioc,,5
//   replace,1,alice,ACME,,,,100.30,
//   cancel,1,alice,ACME,,,,,
//
// Empty fields are absent. `id` is the institution's client order id (a name: text or digits);
// cancel and replace name the order to act on by it. A replace gives a new price, a new open
// quantity, or both.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "minibroker/core/name_registry.hpp"
#include "minibroker/core/records.hpp"
#include "minibroker/replay/instrument_catalog.hpp"

namespace minibroker::replay {

inline constexpr std::string_view order_file_header = "action,id,institution,symbol,side,type,tif,price,qty";

using order_operation = std::variant<new_order_request, cancel_request, replace_request>;

// A line that could not be read as an operation.
struct line_error {
  std::string message;
};

struct order_file_entry {
  std::size_t line = 0; // 1-based; the header is line 1
  std::variant<order_operation, line_error> content;
  // Set when the operation is well-formed but refused while reading, before any engine sees it
  // (a price that is not on the instrument's tick, an unknown symbol when symbols are fixed).
  reject_reason edge_reject = reject_reason::none;
};

// The names an order file uses, and the instruments behind its symbols.
struct order_file_names {
  instrument_catalog instruments;
  name_registry<institution_id> institutions;
  name_registry<client_order_id> client_ids;
};

struct order_file_options {
  // When true, a symbol not in the catalog is added with the default tick and lot; when false
  // (an instruments file was given), its orders are refused with unknown_instrument.
  bool add_unknown_symbols = true;
  decimal default_tick{1, 2};
  quantity default_lot{1};
};

// Reads order files line by line. Thread safety: none (single owner).
class order_file_reader {
public:
  order_file_reader(order_file_names& names, order_file_options options = {});

  // True when `line` is exactly the header.
  [[nodiscard]] static bool is_header(std::string_view line) noexcept;
  // One data line (without its line ending).
  [[nodiscard]] order_file_entry read_line(std::string_view line, std::size_t line_number);
  // A whole file: checks the header (a wrong one is one error entry for line 1 and nothing
  // else is read), skips empty lines, reads the rest.
  [[nodiscard]] std::vector<order_file_entry> read_all(std::string_view text);

private:
  order_file_names& names_;
  order_file_options options_;
};

// One CSV line (no line ending) for an operation, the inverse of read_line.
std::string format_order_line(const order_operation& op, const order_file_names& names);

} // namespace minibroker::replay
