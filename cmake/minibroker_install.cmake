# cmake --install: headers, the library and a CMake package, so that a host project's
# find_package(minibroker CONFIG REQUIRED) + target_link_libraries(app minibroker::core) works.
include(CMakePackageConfigHelpers)

set(minibroker_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/minibroker)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/minibroker DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp")
set(minibroker_install_targets minibroker_core)
if(TARGET minibroker_ws)
  list(APPEND minibroker_install_targets minibroker_ws_codec minibroker_ws)
endif()
install(TARGETS ${minibroker_install_targets} EXPORT minibroker_targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT minibroker_targets NAMESPACE minibroker:: DESTINATION ${minibroker_cmake_dir})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/minibroker-config.cmake.in
  ${PROJECT_BINARY_DIR}/minibroker-config.cmake INSTALL_DESTINATION ${minibroker_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/minibroker-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/minibroker-config.cmake
  ${PROJECT_BINARY_DIR}/minibroker-config-version.cmake
  ${PROJECT_SOURCE_DIR}/cmake/minibroker_find_concurrentqueue.cmake
  DESTINATION ${minibroker_cmake_dir})
