#include "minibroker/matching/detail/client_id_registry.hpp"

namespace minibroker::detail {

client_id_registry::client_id_registry(std::size_t expected_ids_per_institution, std::size_t expected_sparse_ids)
    : reserve_pages_((expected_ids_per_institution + (std::size_t{1} << page_bits) - 1) >> page_bits) {
  dense_.reserve(16);
  sparse_.reserve(expected_sparse_ids);
}

client_id_registry::pages& client_id_registry::pages_of(institution_id institution) {
  if (last_pages_ != nullptr && last_institution_ == institution.value()) {
    return *last_pages_;
  }
  auto [it, inserted] = dense_.try_emplace(institution.value());
  if (inserted) {
    it->second.page.reserve(reserve_pages_);
    for (std::size_t i = 0; i < reserve_pages_; ++i) {
      it->second.page.push_back(std::make_unique<std::uint64_t[]>(words_per_page));
    }
  }
  last_institution_ = institution.value();
  last_pages_ = &it->second; // stable until the next insertion, which refreshes it
  return it->second;
}

bool client_id_registry::insert(institution_id institution, client_order_id id) {
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
  const auto it = dense_.find(institution.value());
  if (it == dense_.end()) {
    return false;
  }
  const std::uint64_t page = value >> page_bits;
  if (page >= it->second.page.size() || !it->second.page[page]) {
    return false;
  }
  const std::uint64_t bit = value & ((std::uint64_t{1} << page_bits) - 1);
  return (it->second.page[page][bit >> 6] & (std::uint64_t{1} << (bit & 63))) != 0;
}

} // namespace minibroker::detail
