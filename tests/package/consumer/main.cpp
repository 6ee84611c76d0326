// A host program: uses the library's public headers and links minibroker::core.
#include <cstdio>

#include <minibroker/core/decimal.hpp>
#include <minibroker/core/records.hpp>

int main() {
  const minibroker::decimal tick{1, 2};
  auto px = minibroker::parse_price("143.30", tick);
  if (!px || minibroker::format_price(*px, tick) != "143.30") {
    std::puts("consumer failed: price round trip");
    return 1;
  }
  minibroker::new_order_request order{};
  order.limit_price = *px;
  std::puts(fmt::format("consumer ok: {}", order).c_str());
  return 0;
}
