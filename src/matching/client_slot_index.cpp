#include "minibroker/matching/detail/client_slot_index.hpp"

#include <algorithm>

#include "minibroker/core/detail/page_memory.hpp"

namespace minibroker::detail {

client_slot_index::client_slot_index(std::size_t expected_ids_per_institution, std::size_t expected_sparse_ids)
    : reserve_pages_((expected_ids_per_institution + page_size - 1) >> page_bits) {
  tables_.reserve(64);
  by_institution_.reserve(64);
  small_spare_.reserve(4 * sizeof(small_page::block) / sizeof(small_block));
  sparse_.reserve(expected_sparse_ids);
}

const client_slot_index::page_ref* client_slot_index::small_ref(client_key k) const noexcept {
  const std::uint32_t who = k.institution.value();
  if (who < by_institution_.size() && by_institution_[who] != nullptr) {
    const std::vector<page_ref>& p = by_institution_[who]->refs;
    const std::uint64_t n = k.id.value() >> page_bits;
    if (n < p.size() && p[n].small != nullptr) {
      return &p[n];
    }
  }
  return nullptr;
}

std::uint32_t client_slot_index::find_sparse(client_key k) const noexcept {
  if (k.id.value() < dense_limit && k.institution.value() < small_institution_limit) {
    // A dense key whose page is compacted, or whose page or institution has no live order.
    if (const page_ref* r = small_ref(k); r != nullptr) {
      const auto offset = static_cast<std::uint16_t>(k.id.value() & (page_size - 1));
      for (std::uint32_t i = 0; i < r->live; ++i) {
        if (r->small->offset[i] == offset) {
          return r->small->slot[i];
        }
      }
    }
    return nil;
  }
  const auto it = sparse_.find(k);
  return it == sparse_.end() ? nil : it->second;
}

void client_slot_index::set_slow(client_key k, std::uint32_t slot) {
  const std::uint64_t id = k.id.value();
  const std::uint32_t who = k.institution.value();
  if (id >= dense_limit || who >= small_institution_limit) {
    sparse_.emplace(k, slot);
    return;
  }
  if (by_institution_.size() <= who) {
    by_institution_.resize(who + 1, nullptr);
  }
  if (by_institution_[who] == nullptr) {
    // First order of this institution: its page table is reserved for the expected ids.
    by_institution_[who] = tables_.emplace_back(std::make_unique<pages>()).get();
    std::vector<page_ref>& refs = by_institution_[who]->refs;
    refs.reserve(reserve_pages_);
    core_detail::populate_ahead(refs.data(), refs.capacity() * sizeof(page_ref));
  }
  pages& t = *by_institution_[who];
  std::vector<page_ref>& p = t.refs;
  const std::uint64_t n = id >> page_bits;
  if (p.size() <= n) {
    // Exactly to n: the table is reserved, and writing twice the entries in use at once (as
    // doubling its size did) faulted in a dozen fresh pages during one order.
    p.resize(n + 1);
  }
  t.newest = std::max(t.newest, n);
  page_ref& r = p[n];
  if (r.small != nullptr) {
    if (r.live < small_capacity) {
      r.small->slot[r.live] = slot;
      r.small->offset[r.live] = static_cast<std::uint16_t>(id & (page_size - 1));
      ++r.live;
      return;
    }
    expand(r);
    MINIBROKER_ASSERT(r.at->slot[id & (page_size - 1)] == nil);
    r.at->slot[id & (page_size - 1)] = slot;
    ++r.live;
    return;
  }
  MINIBROKER_ASSERT(r.at == nullptr && r.live == 0);
  r.at = acquire();
  r.at->slot[id & (page_size - 1)] = slot;
  r.live = 1;
}

void client_slot_index::erase_sparse(client_key k) noexcept {
  if (k.id.value() < dense_limit && k.institution.value() < small_institution_limit) {
    page_ref& r = ref_of(k); // the key is present, so its page is compacted
    MINIBROKER_ASSERT(r.small != nullptr);
    small_block& b = *r.small;
    const auto offset = static_cast<std::uint16_t>(k.id.value() & (page_size - 1));
    std::uint32_t i = 0;
    while (b.offset[i] != offset) {
      ++i;
      MINIBROKER_ASSERT(i < r.live);
    }
    --r.live;
    b.offset[i] = b.offset[r.live];
    b.slot[i] = b.slot[r.live];
    if (r.live == 0) {
      small_spare_.push_back(r.small); // capacity reserved in acquire_small()
      r.small = nullptr;
    }
    return;
  }
  [[maybe_unused]] const auto erased = sparse_.erase(k);
  MINIBROKER_ASSERT(erased == 1);
}

client_slot_index::page* client_slot_index::acquire() {
  const auto [p, fresh] = storage_.acquire();
  if (fresh) {
    std::fill(std::begin(p->slot), std::end(p->slot), nil);
  }
  return p;
}

// The page is all nil again: it goes back to the spares as it is.
void client_slot_index::release(page_ref& r) noexcept {
  storage_.release(r.at);
  r.at = nullptr;
}

client_slot_index::small_block* client_slot_index::acquire_small() {
  if (small_spare_.empty()) {
    small_page* const p = small_storage_.acquire().object;
    constexpr std::size_t n = sizeof(small_page::block) / sizeof(small_block);
    small_blocks_ += n;
    // Capacity for every block owned, so that a release never allocates; it doubles, into a buffer
    // prepared ahead (growing by one page's blocks each time copied the whole list on a cancel).
    if (small_spare_.capacity() < small_blocks_) {
      small_spare_.reserve(std::max(2 * small_spare_.capacity(), small_blocks_));
    }
    core_detail::prepare_growth(small_spare_, small_blocks_);
    for (std::size_t i = n; i-- > 0;) {
      small_spare_.push_back(&p->block[i]);
    }
  }
  small_block* const b = small_spare_.back();
  small_spare_.pop_back();
  return b;
}

// Moves the few entries left in an old page to a small block and recycles the page (one pass over
// its 4 KiB, once in the page's life).
void client_slot_index::compact_if_old(client_key k) {
  const pages& t = *by_institution_[k.institution.value()];
  const std::uint64_t n = k.id.value() >> page_bits;
  if (n + compact_distance > t.newest) {
    return; // young: ids may still arrive here, or its orders may soon leave anyway
  }
  page_ref& r = ref_of(k);
  small_block* const b = acquire_small();
  std::uint32_t found = 0;
  for (std::uint32_t i = 0; i < page_size; ++i) {
    if (const std::uint32_t s = r.at->slot[i]; s != nil) {
      b->slot[found] = s;
      b->offset[found] = static_cast<std::uint16_t>(i);
      ++found;
      r.at->slot[i] = nil;
    }
  }
  MINIBROKER_ASSERT(found == r.live);
  storage_.release(r.at);
  r.at = nullptr;
  r.small = b;
}

// A compacted page that fills up again (ids far from the counter) becomes a page again.
void client_slot_index::expand(page_ref& r) {
  page* const p = acquire();
  for (std::uint32_t i = 0; i < r.live; ++i) {
    p->slot[r.small->offset[i]] = r.small->slot[i];
  }
  small_spare_.push_back(r.small);
  r.small = nullptr;
  r.at = p;
}

} // namespace minibroker::detail
