#include "minibroker/bus/topic_match.hpp"

#include <utility>
#include <vector>

#include "words.hpp"

namespace minibroker::bus {

bool topic_matches(std::string_view binding_key, std::string_view routing_key) {
  std::vector<std::string_view> words;
  detail::for_each_word(routing_key, [&](std::string_view w) { words.push_back(w); });
  const std::size_t n = words.size();
  // matched[j]: the binding words seen so far match the first j routing words.
  std::vector<char> matched(n + 1, 0);
  std::vector<char> next(n + 1, 0);
  matched[0] = 1;
  detail::for_each_word(binding_key, [&](std::string_view pattern) {
    if (pattern == "#") {
      char any = 0;
      for (std::size_t j = 0; j <= n; ++j) {
        any = static_cast<char>(any | matched[j]);
        next[j] = any;
      }
    } else {
      next[0] = 0;
      for (std::size_t j = 1; j <= n; ++j) {
        next[j] = static_cast<char>(matched[j - 1] != 0 && (pattern == "*" || pattern == words[j - 1]));
      }
    }
    std::swap(matched, next);
  });
  return matched[n] != 0;
}

std::size_t count_hash_words(std::string_view binding_key) noexcept {
  std::size_t count = 0;
  detail::for_each_word(binding_key, [&](std::string_view w) { count += w == "#" ? 1 : 0; });
  return count;
}

} // namespace minibroker::bus
