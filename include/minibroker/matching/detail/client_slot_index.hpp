#pragma once
// Internal: (institution, client order id) -> pool slot for resting orders. Client ids are
// counters in practice, so for ids below dense_limit of institutions below
// small_institution_limit the index is a table per institution in pages of 1,024 ids: orders
// sent together sit together (an insert writes a line that is already in cache, where a hash map
// writes a random one), a lookup reads one line, and growing never rehashes (a hash map's rehash
// copies every entry at once). A page that empties is recycled. Other keys go to a hash map.

#include <cstdint>
#include <memory>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/ids.hpp"
#include "minibroker/matching/detail/order_pool.hpp"

namespace minibroker::detail {

struct client_key {
  institution_id institution;
  client_order_id id;
  friend bool operator==(client_key, client_key) = default;
};
struct client_key_hash {
  std::size_t operator()(client_key k) const noexcept {
    return static_cast<std::size_t>(k.id.value() * 0x9e3779b97f4a7c15ULL ^ k.institution.value());
  }
};

class client_slot_index {
public:
  client_slot_index(std::size_t expected_ids_per_institution, std::size_t expected_sparse_ids);

  // The slot of the resting order with this key, or nil.
  [[nodiscard]] std::uint32_t find(client_key k) const noexcept {
    if (const std::uint32_t* e = dense_entry(k)) [[likely]] {
      return *e;
    }
    return find_sparse(k);
  }
  // Where find() would look for a dense key whose page exists, else nullptr (to prefetch).
  [[nodiscard]] const std::uint32_t* entry(client_key k) const noexcept { return dense_entry(k); }
  // The key must not be present.
  void set(client_key k, std::uint32_t slot) {
    if (std::uint32_t* e = dense_entry(k)) [[likely]] {
      MINIBROKER_ASSERT(*e == nil);
      *e = slot;
      ++live_of(k);
      return;
    }
    set_slow(k, slot);
  }
  // The key must be present.
  void erase(client_key k) noexcept {
    if (std::uint32_t* e = dense_entry(k)) [[likely]] {
      MINIBROKER_ASSERT(*e != nil);
      *e = nil;
      if (--live_of(k) == 0) {
        release(k);
      }
      return;
    }
    erase_sparse(k);
  }

private:
  static constexpr unsigned page_bits = 10;
  static constexpr std::uint64_t page_size = std::uint64_t{1} << page_bits;
  // Ids come from outside (files, network connections): one institution's table of page pointers
  // must stay small however large an id it sends (512 KiB here; 32 MiB at 2^32).
  static constexpr std::uint64_t dense_limit = std::uint64_t{1} << 26;
  static constexpr std::uint32_t small_institution_limit = 1U << 12;
  static constexpr std::size_t min_block_pages = 8;

  struct page {
    std::uint32_t slot[page_size];
    std::uint32_t live;
  };
  using pages = std::vector<page*>; // by id >> page_bits; nullptr: no live order there

  // The entry of a dense key whose page exists, else nullptr.
  [[nodiscard]] std::uint32_t* dense_entry(client_key k) const noexcept {
    const std::uint64_t id = k.id.value();
    const std::uint32_t who = k.institution.value();
    if (who < by_institution_.size() && by_institution_[who] != nullptr) {
      const pages& p = *by_institution_[who];
      const std::uint64_t n = id >> page_bits;
      if (n < p.size() && p[n] != nullptr) {
        return &p[n]->slot[id & (page_size - 1)];
      }
    }
    return nullptr;
  }
  [[nodiscard]] std::uint32_t& live_of(client_key k) const noexcept {
    return (*by_institution_[k.institution.value()])[k.id.value() >> page_bits]->live;
  }
  [[nodiscard]] std::uint32_t find_sparse(client_key k) const noexcept;
  void set_slow(client_key k, std::uint32_t slot);
  void erase_sparse(client_key k) noexcept;
  void release(client_key k) noexcept;
  page* acquire();

  std::size_t reserve_pages_;
  std::vector<std::unique_ptr<pages>> tables_;
  std::vector<pages*> by_institution_; // by institution id, below small_institution_limit
  // Pages come in blocks, each as large as all before it, so that a growing index allocates
  // O(log n) times; a page is first written when handed out, so a block costs no time up front.
  std::vector<std::unique_ptr<page[]>> blocks_;
  std::size_t pages_owned_ = 0;
  std::size_t next_in_block_ = 0; // pages of the last block handed out at least once
  std::size_t block_size_ = 0;
  std::vector<page*> spare_; // released pages: all nil, live 0
  boost::unordered_flat_map<client_key, std::uint32_t, client_key_hash> sparse_;
};

} // namespace minibroker::detail
