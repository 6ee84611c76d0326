#pragma once
// Splitting keys into words, the one place that knows what a word is.

#include <cstddef>
#include <string_view>

namespace minibroker::bus::detail {

// Calls f(word) for each '.'-separated word of key; the empty key has no words.
template <typename F>
void for_each_word(std::string_view key, F&& f) {
  if (key.empty()) {
    return;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = key.find('.', start);
    if (dot == std::string_view::npos) {
      f(key.substr(start));
      return;
    }
    f(key.substr(start, dot - start));
    start = dot + 1;
  }
}

} // namespace minibroker::bus::detail
