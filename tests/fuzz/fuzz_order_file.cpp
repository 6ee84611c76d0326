// Fuzz target: the replay order file reader. Any bytes read into entries without crashing,
// every entry is either an error or an operation, and every operation written back with
// format_order_line reads back to the same line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "minibroker/replay/order_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  minibroker::replay::order_file_names names;
  minibroker::replay::order_file_reader reader{names};
  const auto entries = reader.read_all(text);
  for (const auto& entry : entries) {
    const auto* op = std::get_if<minibroker::replay::order_operation>(&entry.content);
    if (op == nullptr || entry.edge_reject != minibroker::reject_reason::none) {
      continue;
    }
    const auto line = minibroker::replay::format_order_line(*op, names);
    auto again = reader.read_line(line, entry.line);
    const auto* op_again = std::get_if<minibroker::replay::order_operation>(&again.content);
    if (op_again == nullptr || minibroker::replay::format_order_line(*op_again, names) != line) {
      std::abort();
    }
  }
  return 0;
}
