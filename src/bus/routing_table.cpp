#include "routing_table.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "local_queue.hpp"
#include "minibroker/bus/topic_match.hpp"
#include "minibroker/core/assert.hpp"
#include "words.hpp"

namespace minibroker::bus::detail {

bool binding_less::operator()(const std::pair<std::string, local_queue*>& a,
                              const std::pair<std::string, local_queue*>& b) const {
  if (a.first != b.first) {
    return a.first < b.first;
  }
  return a.second->order < b.second->order;
}

routing_table::routing_table(const binding_set& bindings, std::size_t cache_size) : cache_limit_(cache_size) {
  nodes_.emplace_back();
  for (const auto& [key, queue] : bindings) {
    insert(key, queue);
  }
  for (auto& n : nodes_) {
    std::sort(n.queues.begin(), n.queues.end(), [](local_queue* a, local_queue* b) { return a->order < b->order; });
    n.queues.erase(std::unique(n.queues.begin(), n.queues.end()), n.queues.end());
  }
  if (cache_limit_ > 0) {
    const std::size_t slots = std::bit_ceil(cache_limit_ * 2 + 64);
    cache_mask_ = slots - 1;
    cache_ = std::make_unique<std::atomic<cache_entry*>[]>(slots);
    for (std::size_t i = 0; i < slots; ++i) {
      cache_[i].store(nullptr, std::memory_order_relaxed);
    }
  }
}

routing_table::~routing_table() {
  if (cache_) {
    for (std::size_t i = 0; i <= cache_mask_; ++i) {
      delete cache_[i].load(std::memory_order_relaxed);
    }
  }
}

void routing_table::insert(std::string_view binding_key, local_queue* queue) {
  std::uint32_t at = 0;
  for_each_word(binding_key, [&](std::string_view word) {
    std::uint32_t next = none;
    if (word == "*") {
      next = nodes_[at].star;
    } else if (word == "#") {
      next = nodes_[at].hash;
    } else if (auto it = nodes_[at].children.find(word); it != nodes_[at].children.end()) {
      next = it->second;
    }
    if (next == none) {
      next = static_cast<std::uint32_t>(nodes_.size());
      nodes_.emplace_back(); // may move nodes_: index again below
      if (word == "*") {
        nodes_[at].star = next;
      } else if (word == "#") {
        nodes_[at].hash = next;
      } else {
        nodes_[at].children.emplace(std::string(word), next);
      }
    }
    at = next;
  });
  nodes_[at].queues.push_back(queue);
}

void routing_table::walk(std::uint32_t n, const std::string_view* words, std::size_t count, std::size_t i,
                         route& out) const {
  const node& here = nodes_[n];
  if (here.hash != none) {
    // "#" takes words [i, j) for every j, zero words included.
    for (std::size_t j = i; j <= count; ++j) {
      walk(here.hash, words, count, j, out);
    }
  }
  if (i == count) {
    out.insert(out.end(), here.queues.begin(), here.queues.end());
    return;
  }
  if (!here.children.empty()) {
    if (auto it = here.children.find(words[i]); it != here.children.end()) {
      walk(it->second, words, count, i + 1, out);
    }
  }
  if (here.star != none) {
    walk(here.star, words, count, i + 1, out);
  }
}

void routing_table::match(std::string_view routing_key, route& out) const {
  out.clear();
  // A routing key the bus accepts has at most 256 words (255 bytes, all dots).
  std::array<std::string_view, max_key_length + 1> words;
  std::size_t count = 0;
  bool too_long = false;
  for_each_word(routing_key, [&](std::string_view w) {
    if (count < words.size()) {
      words[count++] = w;
    } else {
      too_long = true;
    }
  });
  MINIBROKER_ASSERT(!too_long);
  walk(0, words.data(), count, 0, out);
  if (out.size() > 1) {
    std::sort(out.begin(), out.end(), [](local_queue* a, local_queue* b) { return a->order < b->order; });
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
}

const routing_table::cache_entry* routing_table::remember(std::size_t hash, std::string_view key, route queues) const {
  if (cache_count_.load(std::memory_order_relaxed) >= cache_limit_) {
    return nullptr;
  }
  auto entry = std::make_unique<cache_entry>(cache_entry{hash, std::string(key), std::move(queues)});
  for (std::size_t i = hash & cache_mask_;; i = (i + 1) & cache_mask_) {
    cache_entry* seen = cache_[i].load(std::memory_order_acquire);
    if (seen == nullptr) {
      if (cache_[i].compare_exchange_strong(seen, entry.get(), std::memory_order_acq_rel, std::memory_order_acquire)) {
        cache_count_.fetch_add(1, std::memory_order_relaxed);
        return entry.release();
      }
      // Someone took the slot first: seen is theirs; look at it below.
    }
    if (seen->hash == hash && seen->key == key) {
      return seen; // another publisher cached the same key
    }
  }
}

routing_table::resolved routing_table::lookup(std::string_view routing_key, route& scratch) const {
  if (!cache_) {
    match(routing_key, scratch);
    return {&scratch, nullptr};
  }
  const std::size_t hash = key_hash(routing_key);
  if (const cache_entry* e = cached(hash, routing_key)) {
    return {&e->queues, &e->key};
  }
  match(routing_key, scratch);
  if (const cache_entry* e = remember(hash, routing_key, scratch)) {
    return {&e->queues, &e->key};
  }
  return {&scratch, nullptr};
}

} // namespace minibroker::bus::detail
