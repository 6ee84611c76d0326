#pragma once
// Page faults, for tests that check a table's pages were faulted in off the writer's thread.

#include <cstddef>

#include <sys/resource.h>

namespace minibroker::test {

// Minor page faults the calling thread has taken so far.
inline long minor_faults_of_this_thread() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_minflt;
}

// The faults a sanitizer's own shadow memory may add when `bytes` fresh bytes are allocated or
// written on this thread (one shadow byte per 8 under AddressSanitizer); none without one.
constexpr long sanitizer_shadow_faults([[maybe_unused]] std::size_t bytes) {
#if defined(__SANITIZE_ADDRESS__)
  return static_cast<long>(bytes / 8 / 4096 + 2);
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return static_cast<long>(bytes / 8 / 4096 + 2);
#else
  return 0;
#endif
#else
  return 0;
#endif
}

// The faults AddressSanitizer's own allocator may add to one malloc and one free of a heap block
// (its chunk headers, the free's quarantine, which recycles older chunks): 10 to 12 for a 64 KiB
// block replacing a 32 KiB one, measured; none without it. Heap blocks only: page blocks
// (page_memory's mmap) bypass that allocator.
constexpr long sanitizer_heap_faults() {
  constexpr std::size_t some_heap_faults = 16;
  return sanitizer_shadow_faults(0) == 0 ? 0 : static_cast<long>(some_heap_faults);
}

} // namespace minibroker::test
