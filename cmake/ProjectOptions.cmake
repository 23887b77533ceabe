# One INTERFACE target carries the language level, warnings and Qt strictness
# defines; every target in the tree links it.
option(RT_WERROR "Treat warnings as errors" OFF)
option(RT_COVERAGE "Instrument for line coverage (gcov)" OFF)
# CI must test PostgreSQL: with this on, ctest runs every test with
# RT_REQUIRE_POSTGRES=1, so a missing server fails the PostgreSQL tests (and
# the 'postgres' fixture) instead of skipping them. On by default when CMake
# is configured with CI set, as .ci/run does.
if(DEFINED ENV{CI} AND NOT "$ENV{CI}" STREQUAL "" AND NOT "$ENV{CI}" STREQUAL "false" AND NOT "$ENV{CI}" STREQUAL "0")
    set(rt_require_postgres_default ON)
else()
    set(rt_require_postgres_default OFF)
endif()
option(RT_REQUIRE_POSTGRES "PostgreSQL tests fail instead of skipping when no server is available" ${rt_require_postgres_default})

add_library(rt_project_options INTERFACE)
target_compile_features(rt_project_options INTERFACE cxx_std_20)
target_compile_options(rt_project_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(RT_WERROR)
    target_compile_options(rt_project_options INTERFACE -Werror)
endif()
if(RT_COVERAGE)
    target_compile_options(rt_project_options INTERFACE --coverage -fno-inline -fprofile-update=atomic)
    target_link_options(rt_project_options INTERFACE --coverage)
endif()
target_compile_definitions(rt_project_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_FOREACH
    QT_STRICT_ITERATORS
    QT_DISABLE_DEPRECATED_UP_TO=0x060400
    RT_VERSION="${PROJECT_VERSION}"
    RT_BUILD_TYPE="$<IF:$<BOOL:$<CONFIG>>,$<CONFIG>,unspecified>")

# Helper: one Qt Test executable per unit, registered with ctest.
#   rt_add_test(tst_name SOURCES a.cpp LIBS x y [NEEDS_APP] [LABELS l] [FIXTURES f] [TIMEOUT s] [ENV K=V])
# NEEDS_APP: the test runs the built `roundtable` executable (RT_APP_PATH).
function(rt_add_test name)
    cmake_parse_arguments(T "NEEDS_APP" "TIMEOUT" "SOURCES;LIBS;LABELS;FIXTURES;ENV" ${ARGN})
    qt_add_executable(${name} ${T_SOURCES})
    target_link_libraries(${name} PRIVATE rt_project_options rt_test_support Qt6::Test ${T_LIBS})
    if(T_NEEDS_APP)
        add_dependencies(${name} roundtable)
    endif()
    add_test(NAME ${name} COMMAND ${name})
    # English whatever the developer's locale: tests read the program's words.
    # A test of the translations asks for its language itself.
    set(env "QT_QPA_PLATFORM=offscreen;RT_TEST_BUILD_DIR=${CMAKE_BINARY_DIR};LC_ALL=C.UTF-8;LANGUAGE=" ${T_ENV})
    if(RT_REQUIRE_POSTGRES)
        list(APPEND env "RT_REQUIRE_POSTGRES=1")
    endif()
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 300)
    endif()
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}" TIMEOUT ${T_TIMEOUT})
    if(T_LABELS)
        set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
    endif()
    if(T_FIXTURES)
        set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${T_FIXTURES}")
    endif()
endfunction()
