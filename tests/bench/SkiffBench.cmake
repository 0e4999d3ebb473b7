include_guard(GLOBAL)  # the lead's include and the CMAKE_PROJECT_INCLUDE shim may both run
# The load generator (tests/bench): off by default so the default build does not change.
# Include from tests/CMakeLists.txt (or a CMAKE_PROJECT_INCLUDE shim) after the skiff targets.
option(SKIFF_BUILD_BENCH "Build the benchmark load generator (tests/bench)" OFF)
if(SKIFF_BUILD_BENCH)
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR} ${CMAKE_BINARY_DIR}/tests/bench)
endif()
