#pragma once
// timetable<Row>: an append-only time series with bounded memory, time-range queries and CSV
// export. Used as instruments_timetable, quotes_timetable and orders_timetable.
//
// Order. Rows are kept sorted by time; rows with equal times keep their arrival order. Rows
// normally arrive in non-decreasing time order and are appended in O(1). A late row (older than
// the newest row) is accepted and inserted at its place after any rows with the same time, in
// O(log n + d) where d is the number of newer rows (small for rows that are only a little late);
// it is counted in stats().late. A late row that is already outside the age window (older than
// newest - max_age) is not stored: it is counted in stats().rejected_too_old. Nothing is dropped
// without being counted.
//
// Retention. After each append the oldest rows are evicted while there are more than max_rows
// rows (counted in stats().evicted_by_rows), then while the oldest row is older than
// newest - max_age (rows exactly max_age older than the newest stay; stats().evicted_by_age).
// The default keeps at most 2^20 rows and has no age limit. Evicted rows' storage is reused, so
// an append in steady state (retention active, keys seen before) allocates nothing for
// trivially copyable rows, and reuses string capacity for rows with strings.
//
// Keys. When the traits define key_of (instrument rows, quotes, reports, trades: the
// instrument), a per-key index gives latest(key), size(key) and range(key, from, to) without a
// scan. Both range queries are O(log n + k).
//
// Thread safety: none inside. A timetable has one owner (one strand); other threads post() to it.
// Views, iterators and entry pointers are invalidated by the next append.

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/clock.hpp"
#include "minibroker/core/decimal.hpp"
#include "minibroker/store/detail/chunked_vector.hpp"
#include "minibroker/store/detail/ring.hpp"
#include "minibroker/store/market_data_cache.hpp"
#include "minibroker/store/timetable_traits.hpp"

namespace minibroker {

struct timetable_retention {
  static constexpr std::size_t default_max_rows = std::size_t{1} << 20;
  std::optional<std::size_t> max_rows = default_max_rows; // nullopt: no row limit; else at least 1
  std::optional<duration> max_age;                        // nullopt: no age limit; else at least 0
};

struct timetable_stats {
  std::uint64_t appended = 0;         // rows accepted, in order or late
  std::uint64_t late = 0;             // of those, rows older than the newest row when they came
  std::uint64_t rejected_too_old = 0; // late rows already outside the age window: not stored
  std::uint64_t evicted_by_rows = 0;
  std::uint64_t evicted_by_age = 0;
  [[nodiscard]] std::uint64_t evicted() const noexcept { return evicted_by_rows + evicted_by_age; }
};

enum class append_result : std::uint8_t {
  appended,         // in order, at the end
  inserted_late,    // older than the newest row, inserted at its place
  rejected_too_old, // older than the age window allows, not stored
};

template <typename Row>
struct timetable_entry {
  timestamp time;
  Row row;
};

template <typename Row, typename Traits = timetable_traits<Row>>
class timetable {
  static constexpr bool keyed = keyed_row_traits<Traits, Row>;
  struct no_key {};
  template <typename T, bool = keyed>
  struct key_of_traits {
    using type = no_key;
  };
  template <typename T>
  struct key_of_traits<T, true> {
    using type = typename T::key_type;
  };
  struct node;
  struct slot {
    timestamp time; // a copy, so binary searches stay in the index
    node* n;
  };
  using index = store_detail::ring<slot>;
  struct node {
    node(timestamp time, const Row& row, index* key) : entry{time, row}, key_index(key) {}
    timetable_entry<Row> entry;
    index* key_index; // nullptr without keys
  };
  static constexpr auto time_of_slot = [](const slot& s) { return s.time; };
  static constexpr std::size_t max_reserved_rows = std::size_t{1} << 24;

public:
  using row_type = Row;
  using entry_type = timetable_entry<Row>;
  using key_type = typename key_of_traits<Traits>::type; // a private placeholder without keys

  // A sorted run of rows: [begin, end) in time order. Invalidated by the next append.
  class view {
  public:
    class iterator {
    public:
      using iterator_category = std::forward_iterator_tag;
      using value_type = entry_type;
      using difference_type = std::ptrdiff_t;
      using pointer = const entry_type*;
      using reference = const entry_type&;

      iterator() = default;
      reference operator*() const noexcept { return (*index_)[i_].n->entry; }
      pointer operator->() const noexcept { return &**this; }
      iterator& operator++() noexcept {
        ++i_;
        return *this;
      }
      iterator operator++(int) noexcept {
        iterator old = *this;
        ++i_;
        return old;
      }
      friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.i_ == b.i_; }

    private:
      friend class view;
      iterator(const index* idx, std::size_t i) noexcept : index_(idx), i_(i) {}
      const index* index_ = nullptr;
      std::size_t i_ = 0;
    };

    view() = default;
    [[nodiscard]] iterator begin() const noexcept { return {index_, first_}; }
    [[nodiscard]] iterator end() const noexcept { return {index_, last_}; }
    [[nodiscard]] std::size_t size() const noexcept { return last_ - first_; }
    [[nodiscard]] bool empty() const noexcept { return first_ == last_; }
    [[nodiscard]] const entry_type& operator[](std::size_t i) const noexcept {
      MINIBROKER_ASSERT(i < size());
      return (*index_)[first_ + i].n->entry;
    }
    [[nodiscard]] const entry_type& front() const noexcept { return (*this)[0]; }
    [[nodiscard]] const entry_type& back() const noexcept { return (*this)[size() - 1]; }

  private:
    friend class timetable;
    view(const index* idx, std::size_t first, std::size_t last) noexcept : index_(idx), first_(first), last_(last) {}
    const index* index_ = nullptr;
    std::size_t first_ = 0;
    std::size_t last_ = 0;
  };

  explicit timetable(timetable_retention retention = {}) : retention_(retention) {
    MINIBROKER_ASSERT(!retention_.max_rows || *retention_.max_rows > 0);
    MINIBROKER_ASSERT(!retention_.max_age || *retention_.max_age >= duration::zero());
    if (retention_.max_rows) {
      // Retention lets the index hold max_rows + 1 rows for a moment: room for them from the
      // start, so that it never copies itself to grow (pages are touched only as rows come). Up
      // to a bound on the address space taken; a larger index grows by doubling.
      all_.reserve(std::min<std::size_t>(*retention_.max_rows + 1, max_reserved_rows));
    }
  }
  timetable(const timetable&) = delete; // nodes point into the key indexes
  timetable& operator=(const timetable&) = delete;
  timetable(timetable&&) noexcept = default;
  timetable& operator=(timetable&&) noexcept = default;
  ~timetable() = default;

  // Appends a row at its own time (traits with time_of).
  append_result append(const Row& row) requires timed_row_traits<Traits, Row> {
    return append(Traits::time_of(row), row);
  }

  // Appends a row at the given time (the time it was seen, for rows without a time of their own).
  append_result append(timestamp time, const Row& row) {
    bool late = false;
    if (!all_.empty() && time < all_.back().time) {
      if (retention_.max_age && time < all_.back().time - *retention_.max_age) {
        ++stats_.rejected_too_old;
        return append_result::rejected_too_old;
      }
      late = true;
    }
    node* n = acquire(time, row);
    const slot s{time, n};
    if (!late) {
      all_.push_back(s);
      if (n->key_index != nullptr) {
        n->key_index->push_back(s);
      }
    } else {
      all_.insert(all_.upper_bound(time, time_of_slot), s);
      if (n->key_index != nullptr) {
        n->key_index->insert(n->key_index->upper_bound(time, time_of_slot), s);
      }
      ++stats_.late;
    }
    ++stats_.appended;
    enforce_retention();
    return late ? append_result::inserted_late : append_result::appended;
  }

  [[nodiscard]] std::size_t size() const noexcept { return all_.size(); }
  [[nodiscard]] bool empty() const noexcept { return all_.empty(); }
  [[nodiscard]] const timetable_stats& stats() const noexcept { return stats_; }
  [[nodiscard]] const timetable_retention& retention() const noexcept { return retention_; }

  // The newest row (the last of those with the greatest time), or nullptr when empty.
  [[nodiscard]] const entry_type* latest() const noexcept { return all_.empty() ? nullptr : &all_.back().n->entry; }
  // The oldest retained row, or nullptr when empty.
  [[nodiscard]] const entry_type* oldest() const noexcept { return all_.empty() ? nullptr : &all_.front().n->entry; }

  // Every retained row, oldest first.
  [[nodiscard]] view all() const noexcept { return {&all_, 0, all_.size()}; }

  // The rows with from <= time < to, oldest first. O(log n).
  [[nodiscard]] view range(timestamp from, timestamp to) const { return range_in(all_, from, to); }
  // How many rows have from <= time < to. O(log n).
  [[nodiscard]] std::size_t count(timestamp from, timestamp to) const { return range(from, to).size(); }

  // Per key (traits with key_of).
  template <typename K = Row>
  requires keyed_row_traits<Traits, K>
  [[nodiscard]] const entry_type* latest(const key_type& key) const {
    const index* idx = key_index(key);
    return idx == nullptr || idx->empty() ? nullptr : &idx->back().n->entry;
  }
  template <typename K = Row>
  requires keyed_row_traits<Traits, K>
  [[nodiscard]] std::size_t size(const key_type& key) const {
    const index* idx = key_index(key);
    return idx == nullptr ? 0 : idx->size();
  }
  // The key's rows with from <= time < to, oldest first. O(log n_key).
  template <typename K = Row>
  requires keyed_row_traits<Traits, K>
  [[nodiscard]] view range(const key_type& key, timestamp from, timestamp to) const {
    const index* idx = key_index(key);
    return idx == nullptr ? view{} : range_in(*idx, from, to);
  }
  template <typename K = Row>
  requires keyed_row_traits<Traits, K>
  [[nodiscard]] std::size_t count(const key_type& key, timestamp from, timestamp to) const {
    return range(key, from, to).size();
  }

  // CSV with the traits' columns: the header line, then one line per row, each ending in '\n'.
  void write_csv(fmt::memory_buffer& out, const tick_size_lookup& ticks,
                 view rows) const requires csv_row_traits<Traits, Row> {
    Traits::write_csv_header(out);
    out.push_back('\n');
    for (const entry_type& e : rows) {
      Traits::write_csv_row(out, e.time, e.row, ticks);
      out.push_back('\n');
    }
  }
  void write_csv(fmt::memory_buffer& out, const tick_size_lookup& ticks) const requires csv_row_traits<Traits, Row> {
    write_csv(out, ticks, all());
  }
  [[nodiscard]] std::string to_csv(const tick_size_lookup& ticks) const requires csv_row_traits<Traits, Row> {
    fmt::memory_buffer out;
    write_csv(out, ticks);
    return fmt::to_string(out);
  }

  // CSV with the caller's columns: `header` (without '\n'), then write_row(out, entry) per row.
  template <typename F>
  void write_csv(fmt::memory_buffer& out, std::string_view header, F&& write_row, view rows) const {
    out.append(header);
    out.push_back('\n');
    for (const entry_type& e : rows) {
      write_row(out, e);
      out.push_back('\n');
    }
  }

private:
  static view range_in(const index& idx, timestamp from, timestamp to) {
    if (!(from < to)) {
      return {&idx, 0, 0};
    }
    const std::size_t first = idx.lower_bound(from, time_of_slot);
    const std::size_t last = idx.lower_bound(to, time_of_slot);
    return {&idx, first, last};
  }

  template <typename K>
  const index* key_index(const K& key) const {
    auto it = by_key_.find(key);
    return it == by_key_.end() ? nullptr : &it->second;
  }

  node* acquire(timestamp time, const Row& row) {
    index* key_idx = nullptr;
    if constexpr (keyed) {
      key_idx = key_index_for(Traits::key_of(row));
    }
    if (free_.empty()) {
      return &nodes_.emplace_back(time, row, key_idx); // the row is copied once, into its node
    }
    node* n = free_.back();
    free_.pop_back();
    n->entry.time = time;
    n->entry.row = row; // copy-assignment reuses the evicted row's capacity
    n->key_index = key_idx;
    return n;
  }

  // The key's index, created on first use. Small integer ids (instruments) are found in a table
  // by value, not by hashing: a lookup in by_key_ was a fifth of an append.
  index* key_index_for(const key_type& key) {
    if constexpr (small_id_key) {
      const auto v = static_cast<std::size_t>(key.value());
      if (v < by_small_key_.size() && by_small_key_[v] != nullptr) [[likely]] {
        return by_small_key_[v];
      }
      index* idx = &by_key_[key];
      if (v < small_key_limit) {
        if (v >= by_small_key_.size()) {
          by_small_key_.resize(v + 1, nullptr);
        }
        by_small_key_[v] = idx; // by_key_'s values never move
      }
      return idx;
    } else {
      return &by_key_[key];
    }
  }

  void enforce_retention() {
    if (retention_.max_rows) {
      while (all_.size() > *retention_.max_rows) {
        evict_oldest();
        ++stats_.evicted_by_rows;
      }
    }
    if (retention_.max_age && !all_.empty()) {
      const timestamp cutoff = all_.back().time - *retention_.max_age;
      while (all_.front().time < cutoff) {
        evict_oldest();
        ++stats_.evicted_by_age;
      }
    }
  }

  void evict_oldest() {
    node* n = all_.front().n;
    all_.pop_front();
    if (n->key_index != nullptr) {
      // The oldest row overall is also the oldest of its key: both indexes order by (time, arrival).
      MINIBROKER_ASSERT(n->key_index->front().n == n);
      n->key_index->pop_front();
    }
    free_.push_back(n);
  }

  struct key_hash {
    std::size_t operator()(const key_type& k) const noexcept {
      if constexpr (keyed) {
        return std::hash<key_type>{}(k);
      } else {
        return 0;
      }
    }
  };
  struct key_equal {
    bool operator()(const key_type& a, const key_type& b) const noexcept {
      if constexpr (keyed) {
        return a == b;
      } else {
        return true;
      }
    }
  };

  template <typename K>
  static constexpr bool is_small_id = requires(const K& k) {
    { k.value() } -> std::unsigned_integral;
  };
  static constexpr bool small_id_key = keyed && is_small_id<key_type>;
  static constexpr std::size_t small_key_limit = 4096; // larger ids are found in by_key_ only

  timetable_retention retention_;
  timetable_stats stats_;
  store_detail::chunked_vector<node> nodes_;                        // stable storage for rows; evicted nodes are reused
  std::vector<node*> free_;                                         // evicted nodes
  index all_;                                                       // every retained row in (time, arrival) order
  std::unordered_map<key_type, index, key_hash, key_equal> by_key_; // per key, same order
  std::vector<index*> by_small_key_; // by key value below small_key_limit: by_key_'s entries
};

// A tick_size_lookup that reads the instruments cache (which must outlive it); instruments it
// does not know print with `fallback`.
inline tick_size_lookup tick_sizes_from(const instruments_cache& instruments, decimal fallback = decimal{1, 2}) {
  return [&instruments, fallback](instrument_id id) {
    const auto* entry = instruments.find(id);
    return entry == nullptr ? fallback : entry->value.tick_size;
  };
}

// A tick_size_lookup with one tick size for every instrument.
inline tick_size_lookup fixed_tick_size(decimal tick) {
  return [tick](instrument_id) { return tick; };
}

using instruments_timetable = timetable<instrument>;
using quotes_timetable = timetable<quote>;
using orders_timetable = timetable<execution_report>;
using trades_timetable = timetable<trade>;

} // namespace minibroker
