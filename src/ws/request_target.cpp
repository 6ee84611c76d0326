#include "request_target.hpp"

#include <cctype>

namespace minibroker::ws::detail {
namespace {

int hex(char c) noexcept {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::optional<std::string> decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) {
        return std::nullopt;
      }
      const int hi = hex(text[i + 1]);
      const int lo = hex(text[i + 2]);
      if (hi < 0 || lo < 0) {
        return std::nullopt;
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

} // namespace

std::optional<request_target> parse_target(std::string_view target) {
  request_target t;
  const auto q = target.find('?');
  auto path = decode(target.substr(0, q));
  if (!path) {
    return std::nullopt;
  }
  t.path = std::move(*path);
  if (q == std::string_view::npos) {
    return t;
  }
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view item = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (item.empty()) {
      continue;
    }
    const auto eq = item.find('=');
    auto key = decode(item.substr(0, eq));
    auto value = decode(eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1));
    if (!key || !value) {
      return std::nullopt;
    }
    t.query.emplace_back(std::move(*key), std::move(*value));
  }
  return t;
}

std::optional<std::string> bearer_token(std::string_view authorization, const request_target& target) {
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() > scheme.size()) {
    bool match = true;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
      match = match && std::tolower(static_cast<unsigned char>(authorization[i])) == scheme[i];
    }
    if (match) {
      auto token = authorization.substr(scheme.size());
      while (!token.empty() && token.front() == ' ') {
        token.remove_prefix(1);
      }
      return std::string(token);
    }
  }
  if (const auto* t = target.param("token")) {
    return *t;
  }
  return std::nullopt;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    if (!item.empty()) {
      out.emplace_back(item);
    }
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

bool same_secret(std::string_view a, std::string_view b) noexcept {
  unsigned diff = a.size() == b.size() ? 0U : 1U;
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) {
    diff |= static_cast<unsigned>(static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
  }
  return diff == 0;
}

} // namespace minibroker::ws::detail
