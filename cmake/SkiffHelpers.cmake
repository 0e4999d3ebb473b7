# Build conventions shared by every Skiff target.

# Warnings (and -Werror) apply to our own targets only; third-party headers are SYSTEM.
add_library(skiff_warnings INTERFACE)
target_compile_options(skiff_warnings INTERFACE -Wall -Wextra -Wshadow -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # GCC 12 reports -Wrestrict inside libstdc++'s own string code (GCC bug 105651).
  target_compile_options(skiff_warnings INTERFACE -Wno-restrict)
endif()
if(SKIFF_WERROR)
  target_compile_options(skiff_warnings INTERFACE -Werror)
endif()

add_library(skiff_sanitizers INTERFACE)
# SKIFF_SANITIZE=thread: ThreadSanitizer (scripts/test builds storage_test this way for the
# concurrency tests); any other true value: AddressSanitizer + UndefinedBehaviorSanitizer.
if(SKIFF_SANITIZE STREQUAL "thread")
  target_compile_options(skiff_sanitizers INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(skiff_sanitizers INTERFACE -fsanitize=thread)
elseif(SKIFF_SANITIZE)
  target_compile_options(skiff_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(skiff_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# skiff_library(NAME DIR <dir> [DEPS ...] [PRIVATE_DEPS ...])
# One static library per folder: every .cc directly in DIR (not in sub-folders).
function(skiff_library name)
  cmake_parse_arguments(ARG "" "DIR" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS "${ARG_DIR}/*.cc")
  if(NOT srcs)
    # A folder whose sources have not landed yet: headers only, so the rest still configures.
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} INTERFACE ${ARG_DEPS})
    set(${name}_PUBLIC INTERFACE PARENT_SCOPE)
    set(${name}_PRIVATE INTERFACE PARENT_SCOPE)
    return()
  endif()
  # Visibility keywords for callers adding properties (INTERFACE while the folder is empty).
  set(${name}_PUBLIC PUBLIC PARENT_SCOPE)
  set(${name}_PRIVATE PRIVATE PARENT_SCOPE)
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS} skiff_warnings skiff_sanitizers)
endfunction()

# skiff_add_test(NAME DIR <dir> LIBS ...): one GoogleTest binary per unit-test folder.
function(skiff_add_test name)
  cmake_parse_arguments(ARG "" "DIR" "LIBS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS "${ARG_DIR}/*.cc")
  if(NOT srcs)
    return()
  endif()
  add_executable(${name} ${srcs})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest_main skiff_warnings skiff_sanitizers)
  target_compile_definitions(${name} PRIVATE SKIFF_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/tests/testdata")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()
