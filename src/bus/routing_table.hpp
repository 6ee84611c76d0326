#pragma once
// A topic's bindings as a trie over binding-key words, plus a bounded cache from routing key to
// the resolved set of queues. Immutable once built, except for the cache, which publishers fill
// without a lock: entries are only ever added (compare-and-swap into an open-addressing table that
// never gets more than half full) and live as long as the table.
//
// Thread safety: find() and lookup() from any thread at once.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace minibroker::bus::detail {

class local_queue;

// The route cache's hash of a routing key: a few multiplies over 8-byte words, inline (keys are
// short; std::hash's out-of-line _Hash_bytes was 2.7% of the pipeline). Mixed down to the low bits,
// which index the cache.
inline std::size_t key_hash(std::string_view key) noexcept {
  constexpr std::uint64_t k = 0x9e3779b97f4a7c15ULL;
  const char* p = key.data();
  std::size_t n = key.size();
  std::uint64_t h = (n + 1) * k;
  const auto mix = [&](std::uint64_t w) {
    h = (h ^ w) * k;
    h ^= h >> 29;
  };
  if (n >= 8) {
    for (; n > 8; p += 8, n -= 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, p, 8);
      mix(w);
    }
    std::uint64_t w = 0; // the last 8 bytes, overlapping the word before when n < 8 was left
    std::memcpy(&w, key.data() + key.size() - 8, 8);
    mix(w);
  } else {
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < n; ++i) {
      w |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
    }
    mix(w);
  }
  h *= k;
  return static_cast<std::size_t>(h ^ (h >> 32));
}

// Whether two keys are the same text: inline word compares (after a matching hash the answer is
// nearly always yes, and libc's memcmp call cost the route cache 1% of the pipeline).
inline bool same_key(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) {
    return false;
  }
  const auto word_at = [](std::string_view text, std::size_t i) {
    std::uint64_t w = 0;
    std::memcpy(&w, text.data() + i, 8);
    return w;
  };
  if (n < 8) {
    return std::equal(a.begin(), a.end(), b.begin());
  }
  for (std::size_t i = 0; i + 8 < n; i += 8) {
    if (word_at(a, i) != word_at(b, i)) {
      return false;
    }
  }
  return word_at(a, n - 8) == word_at(b, n - 8); // the last 8 bytes, overlapping the word before
}

struct binding_less {
  bool operator()(const std::pair<std::string, local_queue*>& a, const std::pair<std::string, local_queue*>& b) const;
};

// A binding: (binding key, queue). Ordered, so the table is built the same way each time.
using binding_set = std::set<std::pair<std::string, local_queue*>, binding_less>;
// Queues in declaration order, each once.
using route = std::vector<local_queue*>;

class routing_table {
public:
  routing_table(const binding_set& bindings, std::size_t cache_size);
  routing_table(const routing_table&) = delete;
  routing_table& operator=(const routing_table&) = delete;
  ~routing_table();

  // The queues a routing key reaches, and the cache's text of the key when the cache holds it
  // (it lives as long as the table).
  struct resolved {
    const route* queues = nullptr;
    const std::string* key = nullptr;
  };
  // The cache's answer alone: queues is null when the cache is off or does not know the key.
  [[nodiscard]] resolved find(std::string_view routing_key) const noexcept;
  // The cache's answer, or the walk's (then cached if there is room). The queues are the cache's,
  // or scratch when the cache is full (or off) and does not know the key; then the text is null.
  resolved lookup(std::string_view routing_key, route& scratch) const;

  // The trie walk alone (no cache).
  void match(std::string_view routing_key, route& out) const;

private:
  static constexpr std::uint32_t none = 0xffffffff;
  struct word_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  struct node {
    std::unordered_map<std::string, std::uint32_t, word_hash, std::equal_to<>> children; // literal words
    std::uint32_t star = none;
    std::uint32_t hash = none;
    route queues; // bindings that end here
  };
  struct cache_entry {
    std::size_t hash;
    std::string key; // lent to the headers of the messages it routes
    route queues;
  };

  void insert(std::string_view binding_key, local_queue* queue);
  void walk(std::uint32_t n, const std::string_view* words, std::size_t count, std::size_t i, route& out) const;
  [[nodiscard]] const cache_entry* cached(std::size_t hash, std::string_view key) const noexcept;
  const cache_entry* remember(std::size_t hash, std::string_view key, route queues) const;

  std::vector<node> nodes_;
  std::size_t cache_limit_;
  std::size_t cache_mask_ = 0;
  std::unique_ptr<std::atomic<cache_entry*>[]> cache_;
  mutable std::atomic<std::size_t> cache_count_{0};
};

// Inline: the hot path of every publish.
inline const routing_table::cache_entry* routing_table::cached(std::size_t hash, std::string_view key) const noexcept {
  for (std::size_t i = hash & cache_mask_;; i = (i + 1) & cache_mask_) {
    const cache_entry* e = cache_[i].load(std::memory_order_acquire);
    if (e == nullptr) {
      return nullptr;
    }
    if (e->hash == hash && same_key(e->key, key)) {
      return e;
    }
  }
}

inline routing_table::resolved routing_table::find(std::string_view routing_key) const noexcept {
  if (cache_) {
    if (const cache_entry* e = cached(key_hash(routing_key), routing_key)) {
      return {&e->queues, &e->key};
    }
  }
  return {};
}

} // namespace minibroker::bus::detail
