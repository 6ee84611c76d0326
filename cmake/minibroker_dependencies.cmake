# Every dependency is a Debian 12 package (scripts/install-deps.sh installs them).
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS system program_options)
find_package(fmt REQUIRED CONFIG)
find_package(Threads REQUIRED)

# libconcurrentqueue-dev ships headers only, no CMake package: wrap it in an imported target.
include(minibroker_find_concurrentqueue)

if(MINIBROKER_WITH_WS)
  find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS json)
endif()
