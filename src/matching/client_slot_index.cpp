#include "minibroker/matching/detail/client_slot_index.hpp"

#include <algorithm>

namespace minibroker::detail {

client_slot_index::client_slot_index(std::size_t expected_ids_per_institution, std::size_t expected_sparse_ids)
    : reserve_pages_((expected_ids_per_institution + page_size - 1) >> page_bits) {
  tables_.reserve(64);
  by_institution_.reserve(64);
  sparse_.reserve(expected_sparse_ids);
}

std::uint32_t client_slot_index::find_sparse(client_key k) const noexcept {
  if (k.id.value() < dense_limit && k.institution.value() < small_institution_limit) {
    return nil; // a dense key whose page or institution has no live order
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
    by_institution_[who]->reserve(reserve_pages_);
  }
  pages& p = *by_institution_[who];
  const std::uint64_t n = id >> page_bits;
  if (p.size() <= n) {
    p.resize(std::max<std::size_t>(n + 1, p.size() * 2), nullptr);
  }
  MINIBROKER_ASSERT(p[n] == nullptr);
  p[n] = acquire();
  p[n]->slot[id & (page_size - 1)] = slot;
  p[n]->live = 1;
}

void client_slot_index::erase_sparse(client_key k) noexcept {
  [[maybe_unused]] const auto erased = sparse_.erase(k);
  MINIBROKER_ASSERT(erased == 1);
}

client_slot_index::page* client_slot_index::acquire() {
  if (!spare_.empty()) {
    page* const p = spare_.back();
    spare_.pop_back();
    return p;
  }
  if (next_in_block_ == block_size_) {
    block_size_ = std::max<std::size_t>(min_block_pages, pages_owned_);
    blocks_.push_back(std::make_unique_for_overwrite<page[]>(block_size_));
    pages_owned_ += block_size_;
    next_in_block_ = 0;
    spare_.reserve(pages_owned_); // so that release() never allocates
  }
  page* const fresh = &blocks_.back()[next_in_block_++];
  std::fill(std::begin(fresh->slot), std::end(fresh->slot), nil);
  fresh->live = 0;
  return fresh;
}

// The page is all nil again: it goes back to the spares as it is.
void client_slot_index::release(client_key k) noexcept {
  page*& p = (*by_institution_[k.institution.value()])[k.id.value() >> page_bits];
  spare_.push_back(p);
  p = nullptr;
}

} // namespace minibroker::detail
