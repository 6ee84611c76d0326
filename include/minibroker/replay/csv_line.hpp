#pragma once
// The small CSV dialect of our files: one record per line, fields separated by ',', no quoting
// (no field of ours can contain a comma). Lines may end in "\n" or "\r\n".

#include <array>
#include <cstddef>
#include <string_view>

namespace minibroker::replay {

template <std::size_t N>
using csv_fields = std::array<std::string_view, N>;

// Splits `line` into exactly N fields; false when it has another count or contains a quote.
template <std::size_t N>
bool split_csv(std::string_view line, csv_fields<N>& fields) noexcept {
  if (line.find('"') != std::string_view::npos) {
    return false;
  }
  std::size_t start = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const auto comma = line.find(',', start);
    const bool last = i + 1 == N;
    if (last != (comma == std::string_view::npos)) {
      return false;
    }
    fields[i] = line.substr(start, last ? std::string_view::npos : comma - start);
    start = comma + 1;
  }
  return true;
}

// Calls f(line) for each line of text, without its line ending.
template <typename F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    const auto newline = text.find('\n');
    auto line = text.substr(0, newline);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    f(line);
    if (newline == std::string_view::npos) {
      break;
    }
    text.remove_prefix(newline + 1);
  }
}

// Names in our files (symbols, institutions, client order ids): 1 to 64 characters from
// A-Z a-z 0-9 . _ - : /, so that they never need escaping in CSV or JSON.
bool is_valid_name(std::string_view name) noexcept;

} // namespace minibroker::replay
