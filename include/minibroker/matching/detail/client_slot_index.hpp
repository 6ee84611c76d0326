#pragma once
// Internal: (institution, client order id) -> pool slot for resting orders. Client ids are
// counters in practice, so for ids below dense_limit of institutions below
// small_institution_limit the index is a table per institution in pages of 1,024 ids: orders
// sent together sit together (an insert writes a line that is already in cache, where a hash map
// writes a random one), a lookup reads one line, and growing never rehashes (a hash map's rehash
// copies every entry at once). A page is one page of memory (page_blocks); its count of live
// entries sits in the page table, next to its address. A page that empties is recycled. A page
// that only a few old orders still pin (compact_at live entries, and compact_distance newer pages
// exist) is compacted: its entries move to a small block of (offset, slot) pairs and the page is recycled,
// so that the memory follows the live orders rather than the range of their ids (with orders
// cancelled at random, the last of a page's orders outlives the page's median order by far: the
// index held three times the pages it needed, and new ones kept being touched for the first time,
// a page fault each). Other keys go to a hash map.

#include <cstdint>
#include <memory>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/detail/prepared_growth.hpp"
#include "minibroker/core/ids.hpp"
#include "minibroker/matching/detail/order_pool.hpp"
#include "minibroker/matching/detail/page_blocks.hpp"

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
    if (page_ref* r = dense_ref(k)) [[likely]] {
      std::uint32_t& e = r->at->slot[k.id.value() & (page_size - 1)];
      MINIBROKER_ASSERT(e == nil);
      e = slot;
      ++r->live;
      return;
    }
    set_slow(k, slot);
  }
  // Pages of memory taken so far, for tests: recycled pages are not counted again.
  [[nodiscard]] std::size_t pages_ever_used() const noexcept { return storage_.ever_handed_out(); }
  // The key must be present. So a dense key's table and page reference exist, and find()'s bounds
  // checks are not needed (nor asserted: the assertions stay on in release builds, and these are
  // the checks saved): two compares of the key tell a dense key from a sparse one, and the
  // reference's page from a compacted one. A removal runs at every fill of a sweep.
  void erase(client_key k) noexcept {
    const std::uint64_t n = k.id.value() >> page_bits;
    const std::uint32_t who = k.institution.value();
    if (n < (dense_limit >> page_bits) && who < small_institution_limit) [[likely]] {
      page_ref& r = by_institution_[who]->refs.data()[n]; // ref_of(k)
      if (r.at != nullptr) [[likely]] {
        std::uint32_t& e = r.at->slot[k.id.value() & (page_size - 1)];
        MINIBROKER_ASSERT(e != nil);
        e = nil;
        if (--r.live == 0) {
          release(r);
        } else if (r.live <= compact_at) [[unlikely]] {
          compact_if_old(k);
        }
        return;
      }
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

  // A page with this many live entries left is compacted when its table has pages this many
  // pages newer (a small book's pages empty before that: compacting them would be wasted work).
  static constexpr std::uint32_t compact_at = 16;
  static constexpr std::uint64_t compact_distance = 8;
  static constexpr std::uint32_t small_capacity = 20; // entries of a compacted page

  struct alignas(4096) page {
    std::uint32_t slot[page_size];
  };
  struct alignas(128) small_block {
    std::uint32_t slot[small_capacity];
    std::uint16_t offset[small_capacity]; // id & (page_size - 1)
  };
  struct alignas(4096) small_page {
    small_block block[4096 / sizeof(small_block)];
  };
  // A page's ids: a page (at), a compacted page (small), or neither when none is live.
  struct page_ref {
    page* at = nullptr;
    small_block* small = nullptr;
    std::uint32_t live = 0;
  };
  struct pages {
    std::vector<page_ref> refs; // by id >> page_bits
    std::uint64_t newest = 0;   // the highest page index set so far
  };

  // The page reference of a dense key whose page exists (not compacted), else nullptr.
  [[nodiscard]] page_ref* dense_ref(client_key k) const noexcept {
    const std::uint32_t who = k.institution.value();
    if (who < by_institution_.size() && by_institution_[who] != nullptr) {
      std::vector<page_ref>& p = by_institution_[who]->refs;
      const std::uint64_t n = k.id.value() >> page_bits;
      if (n < p.size() && p[n].at != nullptr) {
        return &p[n];
      }
    }
    return nullptr;
  }
  // The entry of a dense key whose page exists, else nullptr.
  [[nodiscard]] std::uint32_t* dense_entry(client_key k) const noexcept {
    page_ref* const r = dense_ref(k);
    return r != nullptr ? &r->at->slot[k.id.value() & (page_size - 1)] : nullptr;
  }
  [[nodiscard]] page_ref& ref_of(client_key k) const noexcept {
    return by_institution_[k.institution.value()]->refs[k.id.value() >> page_bits];
  }
  // The compacted page of a dense key, or nullptr.
  [[nodiscard]] const page_ref* small_ref(client_key k) const noexcept;
  [[nodiscard]] std::uint32_t find_sparse(client_key k) const noexcept;
  void set_slow(client_key k, std::uint32_t slot);
  void erase_sparse(client_key k) noexcept;
  void release(page_ref& r) noexcept;
  page* acquire();
  void compact_if_old(client_key k);
  void expand(page_ref& r);
  small_block* acquire_small();

  std::size_t reserve_pages_;
  std::vector<std::unique_ptr<pages>> tables_;
  std::vector<pages*> by_institution_; // by institution id, below small_institution_limit
  page_blocks<page> storage_;          // released pages are all nil
  page_blocks<small_page> small_storage_;
  core_detail::prepared_vector<small_block*> small_spare_; // capacity: every small block owned
  std::size_t small_blocks_ = 0;                           // small blocks owned
  boost::unordered_flat_map<client_key, std::uint32_t, client_key_hash> sparse_;
};

} // namespace minibroker::detail
