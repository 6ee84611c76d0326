#include "counting_new.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<long> count{0};

void* counted(std::size_t n) noexcept {
  count.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}

std::atomic<bool> fail_next{false};

void* counted_or_throw(std::size_t n) {
  if (fail_next.exchange(false, std::memory_order_relaxed)) {
    throw std::bad_alloc{};
  }
  if (void* p = counted(n)) {
    return p;
  }
  throw std::bad_alloc{};
}

} // namespace

long minibroker::test::allocations() noexcept { return count.load(std::memory_order_relaxed); }

void minibroker::test::fail_next_allocation() noexcept { fail_next.store(true, std::memory_order_relaxed); }

// The aligned forms (std::align_val_t) stay the runtime's: new and delete of a pair come from the
// same place either way.
void* operator new(std::size_t n) { return counted_or_throw(n); }
void* operator new[](std::size_t n) { return counted_or_throw(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
