# Finds moodycamel::ConcurrentQueue (Debian: libconcurrentqueue-dev, headers only).
# Shared by the build and the installed package config.
if(NOT TARGET minibroker_concurrentqueue)
  find_path(MINIBROKER_CONCURRENTQUEUE_INCLUDE_DIR concurrentqueue/concurrentqueue.h REQUIRED)
  add_library(minibroker_concurrentqueue INTERFACE IMPORTED)
  target_include_directories(minibroker_concurrentqueue INTERFACE "${MINIBROKER_CONCURRENTQUEUE_INCLUDE_DIR}")
endif()
