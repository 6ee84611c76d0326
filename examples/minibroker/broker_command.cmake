# `minibroker broker`: brokers against a remote exchange over WebSocket when minibroker::ws is
# built; a command that says so otherwise. (exchange_command.cmake links minibroker::ws.)
target_sources(minibroker PRIVATE ${CMAKE_CURRENT_LIST_DIR}/broker_command.cpp)
if(TARGET minibroker_ws)
  target_sources(minibroker PRIVATE ${CMAKE_CURRENT_LIST_DIR}/broker_run.cpp
                                    ${CMAKE_CURRENT_LIST_DIR}/exchange_metrics.cpp)
endif()
