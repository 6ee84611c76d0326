#pragma once
// Internal: items handed from one executor to another in bursts. push() queues an item and says
// whether the caller must post a drain to the consumer's executor (only when none is pending);
// drain() there takes everything queued so far. A burst of N items costs one post instead of N
// (a post is an allocation, the strand's and the scheduler's locks, and an executor copy).
//
// Thread safety: push() from any thread, drain() from one consumer at a time; constructed with
// `locking` false, everything on one thread (the exchange's single_threaded mode: no mutex).

#include <mutex>
#include <utility>
#include <vector>

namespace minibroker::exchange_detail {

// A mutex that locks only when asked to at construction.
class optional_mutex {
public:
  explicit optional_mutex(bool locking) noexcept : locking_(locking) {}
  void lock() {
    if (locking_) {
      mutex_.lock();
    }
  }
  void unlock() {
    if (locking_) {
      mutex_.unlock();
    }
  }

private:
  const bool locking_;
  std::mutex mutex_;
};

template <typename T>
class handoff_queue {
public:
  explicit handoff_queue(bool locking = true) noexcept : mutex_(locking) {}

  // True when no drain was pending: the caller posts one.
  [[nodiscard]] bool push(T item) {
    const std::lock_guard lock(mutex_);
    pending_.push_back(std::move(item));
    if (drain_posted_) {
      return false;
    }
    drain_posted_ = true;
    return true;
  }

  // Calls each(item) for every item queued before the call, in order, until one returns false
  // (the rest of the burst is dropped: the consumer has gone). Items pushed meanwhile wait for the
  // drain their push posted.
  template <typename Each>
  void drain(Each&& each) {
    std::vector<T> batch;
    {
      const std::lock_guard lock(mutex_);
      batch.swap(pending_);
      pending_.swap(spare_); // the capacity of an earlier batch
      drain_posted_ = false;
    }
    for (T& item : batch) {
      if (!each(item)) {
        break;
      }
    }
    batch.clear();
    const std::lock_guard lock(mutex_);
    if (spare_.capacity() < batch.capacity()) {
      spare_.swap(batch);
    }
  }

private:
  optional_mutex mutex_;
  std::vector<T> pending_;    // guarded by mutex_
  std::vector<T> spare_;      // guarded by mutex_
  bool drain_posted_ = false; // guarded by mutex_
};

} // namespace minibroker::exchange_detail
