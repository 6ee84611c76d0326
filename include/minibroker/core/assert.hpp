#pragma once
// Invariant checks. MINIBROKER_ASSERT stays on in tests and debug builds, and in release builds
// configured with MINIBROKER_ASSERTIONS=ON; a failed one prints where and aborts.

#include <cstdio>
#include <cstdlib>

#if !defined(NDEBUG) || defined(MINIBROKER_ENABLE_ASSERTIONS)
#define MINIBROKER_ASSERT(condition)                                                                                   \
  do {                                                                                                                 \
    if (!(condition)) [[unlikely]] {                                                                                   \
      std::fprintf(stderr, "%s:%d: minibroker invariant failed: %s\n", __FILE__, __LINE__, #condition);                \
      std::abort();                                                                                                    \
    }                                                                                                                  \
  } while (false)
#else
#define MINIBROKER_ASSERT(condition) static_cast<void>(sizeof(condition))
#endif
