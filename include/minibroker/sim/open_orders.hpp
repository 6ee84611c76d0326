#pragma once
// The orders of one or more institutions that are open (acknowledged and not finished), kept
// from their execution reports, with an O(1) random pick: what a random order flow needs to
// cancel or replace an order that is really there. It also remembers the last few orders that
// finished, for the late cancels that real flows have.

#include <array>
#include <cstddef>
#include <optional>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "minibroker/core/records.hpp"

namespace minibroker {

struct open_order {
  institution_id institution;
  client_order_id id;
  instrument_id instrument;
};

// Thread safety: none (one owner).
class open_orders {
public:
  // Follows one report: an acknowledged order opens, a finished one closes.
  void on_report(const execution_report& r);

  [[nodiscard]] std::size_t size() const noexcept { return orders_.size(); }
  [[nodiscard]] bool empty() const noexcept { return orders_.empty(); }
  // The i-th open order, in no particular but deterministic order; i < size().
  [[nodiscard]] const open_order& at(std::size_t i) const { return orders_[i]; }
  [[nodiscard]] bool contains(institution_id institution, client_order_id id) const;
  // One of the last 64 orders that finished (filled, cancelled, expired); `pick` selects which.
  [[nodiscard]] std::optional<open_order> recently_finished(std::size_t pick) const;

private:
  struct key_hash {
    std::size_t operator()(std::pair<std::uint32_t, std::uint64_t> k) const noexcept {
      return static_cast<std::size_t>(k.second * 0x9e3779b97f4a7c15ULL) ^ k.first;
    }
  };
  static std::pair<std::uint32_t, std::uint64_t> key_of(institution_id institution, client_order_id id) noexcept {
    return {institution.value(), id.value()};
  }
  void close(const execution_report& r);

  std::vector<open_order> orders_;
  boost::unordered_flat_map<std::pair<std::uint32_t, std::uint64_t>, std::size_t, key_hash> index_;
  std::array<open_order, 64> finished_{};
  std::size_t finished_count_ = 0;
};

} // namespace minibroker
