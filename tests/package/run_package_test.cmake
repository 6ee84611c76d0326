# Builds tests/package/consumer against minibroker and runs it.
#   MODE=add_subdirectory: the consumer adds SOURCE_DIR as a subdirectory, without the WebSocket
#                          part: this is also the check that the core builds without it.
#   MODE=find_package:     BUILD_DIR is installed into WORK_DIR/prefix, the consumer finds it there.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

set(configure_args -S ${CONSUMER_DIR} -B ${WORK_DIR}/build -G ${GENERATOR} -DCMAKE_BUILD_TYPE=Release)
if(MODE STREQUAL "add_subdirectory")
  list(APPEND configure_args -DMINIBROKER_SOURCE_DIR=${SOURCE_DIR} -DMINIBROKER_WITH_WS=OFF)
else()
  run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)
  list(APPEND configure_args -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
endif()

run(${CMAKE_COMMAND} ${configure_args})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer)
if(NOT last_output MATCHES "consumer ok")
  message(FATAL_ERROR "the consumer ran but did not say ok:\n${last_output}")
endif()
