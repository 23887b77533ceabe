#!/usr/bin/env bash
# Builds Roundtable and runs every test suite, twice:
#  1. the release build (warnings are errors), all tests incl. PostgreSQL and ollama-js;
#  2. an AddressSanitizer/UBSan + coverage build, whose run prints line coverage of core/.
# Tests start what they need themselves: the Ollama simulator per test, and a
# throwaway PostgreSQL cluster through a ctest fixture.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

echo "== formatting (clang-format, .clang-format)"
./scripts/check-format.sh
echo "== translations (lupdate: up to date, complete, placeholders intact)"
./scripts/check-translations.sh

echo "== release build (warnings as errors)"
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"
echo "== tests (release build)"
ctest --preset ci -j "$jobs"

if [ "${RT_SKIP_ASAN:-0}" != 1 ]; then
    echo "== sanitizer + coverage build"
    cmake --preset asan -DRT_WERROR=ON >/dev/null
    cmake --build --preset asan -j "$jobs"
    find build/asan -name '*.gcda' -delete
    # Leaks fail the run too (LeakSanitizer, ASAN_OPTIONS detect_leaks=1 in the
    # asan test preset); tests/lsan.supp names the few Qt/system leaks we accept.
    echo "== tests (AddressSanitizer + LeakSanitizer + UBSan)"
    ctest --preset asan -j "$jobs" -LE no-asan
    echo "== line coverage of core/"
    # gcov can report negative branch counts for code run on several threads;
    # those lines are skipped instead of aborting the report.
    gcovr --root . --filter 'core/' --object-directory build/asan --gcov-ignore-parse-errors \
        --txt build/asan/coverage.txt --print-summary build/asan 2>/dev/null | grep -E '^(lines|functions|branches):'
    echo "(per-file report: build/asan/coverage.txt)"
fi
