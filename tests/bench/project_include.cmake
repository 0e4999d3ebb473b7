# CMAKE_PROJECT_INCLUDE shim for building the bench without editing tests/CMakeLists.txt:
#   cmake -DCMAKE_PROJECT_INCLUDE=<this file> -DSKIFF_BUILD_BENCH=ON ...
# It runs right after project(), before the skiff targets exist; target names are resolved at
# generate time, so linking skiff_sigv4 by name still works.
include(${CMAKE_CURRENT_LIST_DIR}/SkiffBench.cmake)
