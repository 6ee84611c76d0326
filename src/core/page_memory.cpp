#include "minibroker/core/detail/page_memory.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <new>
#include <thread>

#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

namespace minibroker::core_detail {

namespace {

constexpr std::size_t page_alignment = 4096;

std::uintptr_t page_size() noexcept {
  static const auto size = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  return size;
}

// One thread for the process, started by the first request and joined at exit. Requests are rare
// (one per megabyte or so of growth), so a mutex and a condition variable are plenty.
class populate_worker {
public:
  populate_worker() : thread_([this] { run(); }) {}
  populate_worker(const populate_worker&) = delete;
  populate_worker& operator=(const populate_worker&) = delete;
  ~populate_worker() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  void request(std::uintptr_t first, std::uintptr_t last) {
    {
      const std::lock_guard lock(mutex_);
      queue_.push_back({first, last});
      ++stats_.requests;
    }
    wake_.notify_all();
  }

  populate_stats wait_idle() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return queue_.empty() && !busy_; });
    return stats_;
  }

private:
  struct range {
    std::uintptr_t first;
    std::uintptr_t last;
  };

  // A few pages per call, and the processor given up between calls:
  //  - madvise holds the address space's lock for reading while it faults pages in (1 to 20 us
  //    each here), and a thread that maps or unmaps memory (mmap, munmap, brk: the lock for
  //    writing) waits until it lets go: two pages bound that wait to about 40 us;
  //  - this thread sleeps between requests, so when a request wakes it the scheduler tends to run
  //    it at once in place of the thread that asked (a matching thread, stalled 0.1 to 1.6 ms at
  //    the operation that asked, on a busy machine); yielding after each call hands the processor
  //    back to whoever waits for it. It costs nothing when nobody does.
  static bool populate(range r) {
    constexpr std::uintptr_t step = std::uintptr_t{2} * page_alignment;
    for (std::uintptr_t at = r.first; at < r.last; at += step) {
      if (madvise(reinterpret_cast<void*>(at), std::min(step, r.last - at), MADV_POPULATE_WRITE) != 0) {
        return false; // no such advice on this kernel, or the range is gone
      }
      sched_yield();
    }
    return true;
  }

  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return; // stopping, and nothing left
      }
      const range r = queue_.front();
      queue_.pop_front();
      busy_ = true;
      lock.unlock();
      const bool ok = populate(r);
      lock.lock();
      busy_ = false;
      if (ok) {
        stats_.populated_bytes += r.last - r.first;
      } else {
        ++stats_.failures;
      }
      if (queue_.empty()) {
        done_.notify_all();
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::deque<range> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  populate_stats stats_;
  std::thread thread_; // last: it starts once the members above exist
};

populate_worker& worker() {
  static populate_worker w;
  return w;
}

} // namespace

// Large blocks come from operator new too, page aligned: the allocator keeps what a finished table
// frees and hands it to the next one, already mapped (and in cache), where munmap would give it
// back to the kernel to be faulted in again.
void* allocate_pages(std::size_t bytes) {
  if (bytes < page_block_threshold) {
    return ::operator new(bytes);
  }
  return ::operator new (bytes, std::align_val_t{page_alignment});
}

void free_pages(void* block, std::size_t bytes) noexcept {
  if (block == nullptr) {
    return;
  }
  if (bytes < page_block_threshold) {
    ::operator delete(block);
    return;
  }
  ::operator delete (block, std::align_val_t{page_alignment});
}

void* map_pages(std::size_t bytes) {
  void* const block = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED) {
    throw std::bad_alloc();
  }
  return block;
}

void unmap_pages(void* block, std::size_t bytes) noexcept {
  if (block != nullptr) {
    munmap(block, bytes);
  }
}

void populate_ahead(const void* block, std::size_t bytes) {
  // Whole pages only: the pages at the edges may hold another object someone is writing, and
  // populating them would be harmless but is not needed.
  const std::uintptr_t page = page_size();
  const auto start = reinterpret_cast<std::uintptr_t>(block);
  const std::uintptr_t first = (start + page - 1) & ~(page - 1);
  const std::uintptr_t last = (start + bytes) & ~(page - 1);
  if (first < last) {
    worker().request(first, last);
  }
}

populate_stats wait_for_populate() { return worker().wait_idle(); }

} // namespace minibroker::core_detail
