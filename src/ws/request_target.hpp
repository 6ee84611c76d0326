#pragma once
// Internal: the parts of an HTTP request the server routes and authenticates on: the path, the
// query parameters (percent-decoded), the bearer token.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace minibroker::ws::detail {

struct request_target {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;

  // The first value of a query parameter.
  [[nodiscard]] const std::string* param(std::string_view name) const noexcept {
    for (const auto& [k, v] : query) {
      if (k == name) {
        return &v;
      }
    }
    return nullptr;
  }
};

// "/ws/quotes?symbols=ABC%2CXYZ&x" -> path "/ws/quotes", query {symbols: "ABC,XYZ", x: ""}.
// nullopt when a percent escape is malformed.
std::optional<request_target> parse_target(std::string_view target);

// The token of "Authorization: Bearer <token>" (scheme case-insensitive), else ?token=.
std::optional<std::string> bearer_token(std::string_view authorization, const request_target& target);

// "ABC,XYZ" -> {"ABC", "XYZ"}; empty items are skipped.
std::vector<std::string> split_list(std::string_view text);

// Compares in time independent of where the first difference is.
bool same_secret(std::string_view a, std::string_view b) noexcept;

} // namespace minibroker::ws::detail
