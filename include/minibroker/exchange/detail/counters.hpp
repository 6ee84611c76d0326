#pragma once
// Internal: the exchange's counters, shared by its components, readable from any thread.
// Relaxed atomics: each counter is exact on its own; a snapshot taken while the exchange runs
// may catch one counter a step ahead of another.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "minibroker/exchange/config.hpp"
#include "minibroker/exchange/stats.hpp"

namespace minibroker::exchange_detail {

// A counter one writer at a time adds to (one thread, or the handlers of one strand, which the
// strand orders): a plain add, no locked instruction. Readable from any thread.
class ordered_counter {
public:
  void add(std::uint64_t n = 1) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t get() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<std::uint64_t> value_{0};
};

// A counter any thread may add to: a locked add, unless every writer runs on one thread
// (exchange_config::single_threaded), when it adds as an ordered_counter does.
class counter {
public:
  void add(std::uint64_t n = 1) noexcept {
    if (one_writer_) {
      value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    } else {
      value_.fetch_add(n, std::memory_order_relaxed);
    }
  }
  [[nodiscard]] std::uint64_t get() const noexcept { return value_.load(std::memory_order_relaxed); }
  void set_one_writer() noexcept { one_writer_ = true; } // before any add

private:
  std::atomic<std::uint64_t> value_{0};
  bool one_writer_ = false;
};

struct institution_counters {
  counter sent;
  counter undelivered;
};

// Thread safety: every member from any thread (the institution index is fixed at construction).
class exchange_counters {
public:
  // single_threaded: every writer on one thread (exchange_config::single_threaded).
  exchange_counters(const std::vector<institution_spec>& institutions, bool single_threaded)
      : specs_(institutions), per_institution_(std::make_unique<institution_counters[]>(institutions.size())) {
    for (std::size_t i = 0; i < institutions.size(); ++i) {
      index_.emplace(institutions[i].id, i);
    }
    if (single_threaded) {
      for_each_counter([](counter& c) { c.set_one_writer(); });
    }
  }

  // nullptr for an institution that is not a member.
  [[nodiscard]] institution_counters* institution(institution_id id) noexcept {
    auto it = index_.find(id);
    return it == index_.end() ? nullptr : &per_institution_[it->second];
  }
  [[nodiscard]] bool is_member(institution_id id) const noexcept { return index_.contains(id); }

  void count_reject(reject_reason r) noexcept { rejects_by_reason[static_cast<std::size_t>(r)].add(); }
  void count_door_reject(reject_reason r) noexcept {
    door_rejects.add();
    door_rejects_by_reason[static_cast<std::size_t>(r)].add();
    count_reject(r);
  }

  // Copies the counters this object holds into `out` (the rest is filled by their owners).
  void snapshot(exchange_stats& out) const {
    out.requests_received = requests_received.get();
    out.requests_forwarded = requests_forwarded.get();
    out.door_rejects = door_rejects.get();
    for (std::size_t i = 0; i < reject_reason_slots; ++i) {
      out.door_rejects_by_reason[i] = door_rejects_by_reason[i].get();
      out.rejects_by_reason[i] = rejects_by_reason[i].get();
    }
    out.reports_published = reports_published.get();
    out.reports_publish_rejected = reports_publish_rejected.get();
    out.reports_processed = reports_processed.get();
    out.reports_undelivered = unknown_undelivered.get();
    out.reports_without_order = reports_without_order.get();
    out.trades = trades.get();
    out.volume = volume.get();
    out.institutions.clear();
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      institution_stats s;
      s.id = specs_[i].id;
      s.name = specs_[i].name;
      s.reports_sent = per_institution_[i].sent.get();
      s.reports_undelivered = per_institution_[i].undelivered.get();
      out.reports_sent += s.reports_sent;
      out.reports_undelivered += s.reports_undelivered;
      out.institutions.push_back(std::move(s));
    }
  }

  counter requests_received;
  counter requests_forwarded;
  counter door_rejects;
  std::array<counter, reject_reason_slots> door_rejects_by_reason;
  std::array<counter, reject_reason_slots> rejects_by_reason;
  counter reports_published;
  counter reports_publish_rejected;
  counter reports_processed;
  counter unknown_undelivered; // reports for non-members without a session
  counter reports_without_order;
  counter trades;
  counter volume;

private:
  template <typename F>
  void for_each_counter(F f) {
    for (counter* c :
         {&requests_received, &requests_forwarded, &door_rejects, &reports_published, &reports_publish_rejected,
          &reports_processed, &unknown_undelivered, &reports_without_order, &trades, &volume}) {
      f(*c);
    }
    for (std::size_t i = 0; i < reject_reason_slots; ++i) {
      f(door_rejects_by_reason[i]);
      f(rejects_by_reason[i]);
    }
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      f(per_institution_[i].sent);
      f(per_institution_[i].undelivered);
    }
  }

  std::vector<institution_spec> specs_;
  std::unique_ptr<institution_counters[]> per_institution_;
  boost::unordered_flat_map<institution_id, std::size_t, std::hash<institution_id>> index_;
};

} // namespace minibroker::exchange_detail
