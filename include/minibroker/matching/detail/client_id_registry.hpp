#pragma once
// Internal: every client order id ever accepted, per institution, so that none is accepted twice.
// Ids below 2^32 (the usual case: counters) are bits in per-institution pages of a bitmap, so
// consecutive ids touch the same cache line; larger ids go to a hash set.

#include <cstdint>
#include <memory>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include "minibroker/core/ids.hpp"

namespace minibroker::detail {

class client_id_registry {
public:
  client_id_registry(std::size_t expected_ids_per_institution, std::size_t expected_sparse_ids);

  // True when the id was new (and is now remembered); false when it was seen before. Inline for
  // the usual case: a dense id of a known institution, in a page that exists.
  bool insert(institution_id institution, client_order_id id) {
    const std::uint64_t value = id.value();
    const std::uint32_t who = institution.value();
    if (value < dense_limit && who < small_.size() && small_[who] != nullptr) [[likely]] {
      const auto& p = small_[who]->page;
      const std::uint64_t page = value >> page_bits;
      if (page < p.size() && p[page]) [[likely]] {
        const std::uint64_t bit = value & ((std::uint64_t{1} << page_bits) - 1);
        std::uint64_t& word = p[page][bit >> 6];
        const std::uint64_t mask = std::uint64_t{1} << (bit & 63);
        const bool fresh = (word & mask) == 0;
        word |= mask;
        return fresh;
      }
    }
    return insert_slow(institution, id);
  }
  [[nodiscard]] bool contains(institution_id institution, client_order_id id) const;

private:
  static constexpr unsigned page_bits = 15; // 32768 ids, 4 KiB per page
  static constexpr std::uint64_t words_per_page = (std::uint64_t{1} << page_bits) / 64;
  static constexpr std::uint64_t dense_limit = std::uint64_t{1} << 32;

  struct pages {
    std::vector<std::unique_ptr<std::uint64_t[]>> page;
  };
  bool insert_slow(institution_id institution, client_order_id id);
  pages& pages_of(institution_id institution);
  [[nodiscard]] const pages* find_pages(institution_id institution) const noexcept;

  static constexpr std::uint32_t small_institution_limit = 1U << 12;
  std::size_t reserve_pages_;
  std::vector<std::unique_ptr<pages>> owned_;
  std::vector<pages*> small_;                              // by institution id, below the limit
  boost::unordered_flat_map<std::uint32_t, pages*> large_; // the others
  struct sparse_hash {
    std::size_t operator()(std::pair<std::uint32_t, std::uint64_t> k) const noexcept {
      return static_cast<std::size_t>(k.second * 0x9e3779b97f4a7c15ULL ^ k.first);
    }
  };
  boost::unordered_flat_set<std::pair<std::uint32_t, std::uint64_t>, sparse_hash> sparse_;
};

} // namespace minibroker::detail
