#pragma once
// The route cache entries that a topic's publishers hit last, found by the address of the key
// text they pass. Publishers name their keys with the same constants every time (the exchange's
// and the broker's all do), so comparing the address finds the entry and one compare of the
// texts confirms it: the route cache's hash of the text and its probe (a third of a publish's
// routing) are skipped. A key at an address not remembered, or a different text at a remembered
// address (a reused buffer), goes to the route cache as before.
//
// Thread safety: none. Publishers write it: only a single_threaded bus has one.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "routing_table.hpp"

namespace minibroker::bus::detail {

class recent_routes {
public:
  // What table's cache answered for this key text at this address, or an empty answer.
  [[nodiscard]] routing_table::resolved find(const routing_table& table, std::string_view key) const noexcept {
    const entry& e = entries_[index_of(key.data())];
    if (e.text == key.data() && e.table == &table && same_key(*e.hit.key, key)) {
      return e.hit;
    }
    return {};
  }

  // Remembers a cache answer (hit.key is the cache's text) for the key at this address. The table
  // must outlive this (a topic keeps every table it built).
  void remember(const routing_table& table, std::string_view key, routing_table::resolved hit) noexcept {
    entries_[index_of(key.data())] = {key.data(), &table, hit};
  }

private:
  struct entry {
    const char* text = nullptr;
    const routing_table* table = nullptr;
    routing_table::resolved hit;
  };
  static constexpr unsigned index_bits = 3; // a topic's keys are few: the broker's eight
  static std::size_t index_of(const char* text) noexcept {
    return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(text) * 0x9e3779b97f4a7c15ULL) >>
                                    (64 - index_bits));
  }

  std::array<entry, std::size_t{1} << index_bits> entries_{};
};

} // namespace minibroker::bus::detail
