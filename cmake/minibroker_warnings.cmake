# Warnings for our own targets only; a host project's flags are its own business.
add_library(minibroker_warnings INTERFACE)
target_compile_options(minibroker_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wno-missing-field-initializers>)
