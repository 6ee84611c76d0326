# Every dependency is a Debian 12 package (scripts/install-deps.sh installs them).
# Boost.JSON is used privately by the core (the scenario file), never in its public headers.
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS system program_options json)
find_package(fmt REQUIRED CONFIG)
find_package(Threads REQUIRED)

# libconcurrentqueue-dev ships headers only, no CMake package: wrap it in an imported target.
include(minibroker_find_concurrentqueue)
