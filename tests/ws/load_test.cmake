# The load test (issue 6): 1,000 WebSocket clients on /ws/quotes while orders flow. Its own
# program, so the peak resident memory it prints (VmHWM) is its own; registered by hand because it
# runs threads and belongs to both labels: ws, and threads for the ThreadSanitizer run.
add_executable(minibroker_ws_load_test load_test.cpp)
target_link_libraries(minibroker_ws_load_test
  PRIVATE minibroker_catch_main minibroker::ws Boost::headers Boost::json minibroker_warnings)
target_include_directories(minibroker_ws_load_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
set(minibroker_ws_load_test_name
    "ws load: a thousand quote clients and an order flow leave health answering and memory bounded")
add_test(NAME "${minibroker_ws_load_test_name}" COMMAND minibroker_ws_load_test "${minibroker_ws_load_test_name}")
set_tests_properties("${minibroker_ws_load_test_name}" PROPERTIES LABELS "ws;threads" TIMEOUT 300)
add_dependencies(minibroker_threads_tests minibroker_ws_load_test)
