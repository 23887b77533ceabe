#!/usr/bin/env bash
# Fails when a C++ file in the repository does not match .clang-format.
# Fix with: git ls-files '*.cpp' '*.h' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.h')
if clang-format --dry-run -Werror $files; then
    echo "format: $(echo "$files" | wc -w) files match .clang-format"
else
    echo "format: the files above do not match .clang-format; run: git ls-files '*.cpp' '*.h' | xargs clang-format -i" >&2
    exit 1
fi
