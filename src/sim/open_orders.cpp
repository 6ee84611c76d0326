#include "minibroker/sim/open_orders.hpp"

#include <algorithm>

namespace minibroker {

void open_orders::on_report(const execution_report& r) {
  if (r.type == exec_type::rejected) {
    return; // a refused request opens nothing and closes nothing
  }
  if (is_final(r.status)) {
    close(r);
    return;
  }
  if (index_.try_emplace(key_of(r.institution, r.client_id), orders_.size()).second) {
    orders_.push_back({r.institution, r.client_id, r.instrument});
  }
}

void open_orders::close(const execution_report& r) {
  auto it = index_.find(key_of(r.institution, r.client_id));
  if (it == index_.end()) {
    return;
  }
  const std::size_t slot = it->second;
  finished_[finished_count_++ % finished_.size()] = orders_[slot];
  index_.erase(it);
  if (slot + 1 != orders_.size()) {
    orders_[slot] = orders_.back();
    index_[key_of(orders_[slot].institution, orders_[slot].id)] = slot;
  }
  orders_.pop_back();
}

bool open_orders::contains(institution_id institution, client_order_id id) const {
  return index_.contains(key_of(institution, id));
}

std::optional<open_order> open_orders::recently_finished(std::size_t pick) const {
  const std::size_t available = std::min(finished_count_, finished_.size());
  if (available == 0) {
    return std::nullopt;
  }
  return finished_[pick % available];
}

} // namespace minibroker
