#pragma once
// market_data_cache<Key, Value>: the latest value per key, each with a version.
//
// Every upsert of a key increments that key's version (the first upsert gives version 1), so a
// reader that remembers the version it last saw can ask changed_since(key, v). The cache as a
// whole also counts its upserts (version()); each entry remembers the cache version of its last
// update (stamp), so a reader can ask for everything that changed since it last looked
// (changed_since(cache_version)).
//
// Used as instruments_cache (instrument_id -> instrument) and quotes_cache (instrument_id ->
// quote).
//
// Thread safety: none inside. A cache has one owner (one strand); other threads post() to it.
// find() pointers and references stay valid until the next upsert() or clear() of that cache.

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "minibroker/core/ids.hpp"
#include "minibroker/core/records.hpp"

namespace minibroker {

using cache_version = std::uint64_t;

template <typename Value>
struct versioned {
  Value value;
  cache_version version = 0; // this key's version: 1 after the first upsert, +1 on each update
  cache_version stamp = 0;   // the cache's version() right after this key's last update
};

template <typename Key, typename Value, typename Hash = std::hash<Key>>
class market_data_cache {
public:
  using key_type = Key;
  using value_type = Value;
  using entry_type = versioned<Value>;

  market_data_cache() = default;

  void reserve(std::size_t n) { entries_.reserve(n); }

  // Stores value as the latest for key; returns the key's new version.
  template <typename V>
  requires std::assignable_from<Value&, V&&> && std::constructible_from<Value, V&&> cache_version upsert(const Key& key,
                                                                                                         V&& value) {
    ++version_;
    auto [it, inserted] = entries_.try_emplace(key);
    entry_type& entry = it->second;
    entry.value = std::forward<V>(value); // assignment reuses capacity (strings) on updates
    ++entry.version;
    entry.stamp = version_;
    return entry.version;
  }

  // The stored entry, or nullptr; valid until the next upsert or clear.
  [[nodiscard]] const entry_type* find(const Key& key) const noexcept {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }

  // A copy of the stored value and its version, or nullopt.
  [[nodiscard]] std::optional<entry_type> get(const Key& key) const {
    if (const entry_type* entry = find(key)) {
      return *entry;
    }
    return std::nullopt;
  }

  [[nodiscard]] bool contains(const Key& key) const noexcept { return entries_.contains(key); }

  // The key's version, 0 when the key was never stored.
  [[nodiscard]] cache_version version(const Key& key) const noexcept {
    const entry_type* entry = find(key);
    return entry == nullptr ? 0 : entry->version;
  }

  // True when the key has been updated after the reader saw version `seen` (0: never seen).
  [[nodiscard]] bool changed_since(const Key& key, cache_version seen) const noexcept { return version(key) > seen; }

  // The number of upserts so far, over all keys.
  [[nodiscard]] cache_version version() const noexcept { return version_; }

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }

  // Every key with a copy of its entry; ordered by key when keys are ordered, so the result is
  // deterministic. O(n log n).
  [[nodiscard]] std::vector<std::pair<Key, entry_type>> snapshot() const {
    return collect([](const entry_type&) { return true; });
  }

  // The keys updated after the cache was at version `seen` (pass a previous version()). O(n).
  [[nodiscard]] std::vector<std::pair<Key, entry_type>> changed_since(cache_version seen) const {
    return collect([seen](const entry_type& e) { return e.stamp > seen; });
  }

  // Visits every entry as (const Key&, const entry_type&), in unspecified order, without copying.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [key, entry] : entries_) {
      f(key, entry);
    }
  }

  void clear() noexcept { entries_.clear(); }

private:
  template <typename Pred>
  std::vector<std::pair<Key, entry_type>> collect(Pred pred) const {
    std::vector<std::pair<Key, entry_type>> out;
    out.reserve(entries_.size());
    for (const auto& [key, entry] : entries_) {
      if (pred(entry)) {
        out.emplace_back(key, entry);
      }
    }
    if constexpr (std::totally_ordered<Key>) {
      std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    return out;
  }

  std::unordered_map<Key, entry_type, Hash> entries_;
  cache_version version_ = 0;
};

using instruments_cache = market_data_cache<instrument_id, instrument>;
using quotes_cache = market_data_cache<instrument_id, quote>;

} // namespace minibroker
