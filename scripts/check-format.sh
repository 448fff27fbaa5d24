#!/usr/bin/env bash
# Fails, listing the differences, when a C++ source is not formatted as .clang-format says.
#   scripts/check-format.sh        check (what the test suite runs)
#   scripts/check-format.sh --fix  reformat in place
set -euo pipefail
cd "$(dirname "$0")/.."
mode=(--dry-run --Werror)
[ "${1:-}" = --fix ] && mode=(-i)
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files=$(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp')  # new files too
else  # an unpacked source archive
  files=$(find src tests bench -name '*.cpp' -o -name '*.hpp' | grep -v node_modules)
fi
# shellcheck disable=SC2086  # one file name per word: the tree has no spaces in source names
"${CLANG_FORMAT:-clang-format}" "${mode[@]}" $files
