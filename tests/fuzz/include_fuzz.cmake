# For building the fuzzers while tests/CMakeLists.txt does not include tests/fuzz: pass
#   -DCMAKE_PROJECT_INCLUDE=<repo>/tests/fuzz/include_fuzz.cmake -DSKIFF_BUILD_FUZZERS=ON
# It includes tests/fuzz/CMakeLists.txt once the top-level CMakeLists.txt has defined every
# library (a deferred call may not add_subdirectory, hence include).
if(NOT DEFINED SKIFF_FUZZ_INCLUDED)
  set(SKIFF_FUZZ_INCLUDED ON)
  # Deferred arguments are expanded when the call runs, hence the variable.
  set(SKIFF_FUZZ_LISTS ${CMAKE_CURRENT_LIST_DIR}/CMakeLists.txt)
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL include ${SKIFF_FUZZ_LISTS})
endif()
