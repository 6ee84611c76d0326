# `minibroker exchange`: the exchange behind its WebSocket server when minibroker::ws is built; a
# command that says so otherwise.
target_sources(minibroker PRIVATE ${CMAKE_CURRENT_LIST_DIR}/exchange_command.cpp)
if(TARGET minibroker_ws)
  target_link_libraries(minibroker PRIVATE minibroker::ws)
  target_compile_definitions(minibroker PRIVATE MINIBROKER_HAVE_WS)
endif()
