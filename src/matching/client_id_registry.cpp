#include "minibroker/matching/detail/client_id_registry.hpp"

namespace minibroker::detail {

client_id_registry::client_id_registry(std::size_t expected_ids_per_institution, std::size_t expected_sparse_ids)
    : reserve_pages_((expected_ids_per_institution + (std::size_t{1} << page_bits) - 1) >> page_bits) {
  owned_.reserve(64);
  small_.reserve(64);
  sparse_.reserve(expected_sparse_ids);
}

const client_id_registry::pages* client_id_registry::find_pages(institution_id institution) const noexcept {
  const std::uint32_t id = institution.value();
  if (id < small_.size()) {
    return small_[id];
  }
  const auto it = large_.find(id);
  return it == large_.end() ? nullptr : it->second;
}

client_id_registry::pages& client_id_registry::pages_of(institution_id institution) {
  const std::uint32_t id = institution.value();
  if (id < small_.size() && small_[id] != nullptr) [[likely]] {
    return *small_[id];
  }
  if (id >= small_institution_limit) {
    if (const auto it = large_.find(id); it != large_.end()) {
      return *it->second;
    }
  }
  // First order from this institution: reserve its bitmap up front.
  auto& p = *owned_.emplace_back(std::make_unique<pages>());
  p.page.reserve(reserve_pages_);
  for (std::size_t i = 0; i < reserve_pages_; ++i) {
    p.page.push_back(std::make_unique<std::uint64_t[]>(words_per_page));
  }
  if (id < small_institution_limit) {
    if (small_.size() <= id) {
      small_.resize(id + 1, nullptr);
    }
    small_[id] = &p;
  } else {
    large_.emplace(id, &p);
  }
  return p;
}

bool client_id_registry::insert_slow(institution_id institution, client_order_id id) {
  const std::uint64_t value = id.value();
  if (value >= dense_limit) {
    return sparse_.insert({institution.value(), value}).second;
  }
  auto& p = pages_of(institution).page;
  const std::uint64_t page = value >> page_bits;
  if (page >= p.size()) {
    p.resize(page + 1);
  }
  auto& words = p[page];
  if (!words) {
    words = std::make_unique<std::uint64_t[]>(words_per_page);
  }
  const std::uint64_t bit = value & ((std::uint64_t{1} << page_bits) - 1);
  std::uint64_t& word = words[bit >> 6];
  const std::uint64_t mask = std::uint64_t{1} << (bit & 63);
  if ((word & mask) != 0) {
    return false;
  }
  word |= mask;
  return true;
}

bool client_id_registry::contains(institution_id institution, client_order_id id) const {
  const std::uint64_t value = id.value();
  if (value >= dense_limit) {
    return sparse_.contains({institution.value(), value});
  }
  const pages* p = find_pages(institution);
  if (p == nullptr) {
    return false;
  }
  const std::uint64_t page = value >> page_bits;
  if (page >= p->page.size() || !p->page[page]) {
    return false;
  }
  const std::uint64_t bit = value & ((std::uint64_t{1} << page_bits) - 1);
  return (p->page[page][bit >> 6] & (std::uint64_t{1} << (bit & 63))) != 0;
}

} // namespace minibroker::detail
