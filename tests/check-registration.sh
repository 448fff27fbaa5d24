#!/usr/bin/env bash
# Checks that ctest runs every Catch2 test case: the names the test binary lists must equal the
# names ctest registered with the `unit` label, one for one. A name that CMake's discovery splits
# or mangles would otherwise run nothing while ctest reports it passed.
#   tests/check-registration.sh TEST_BINARY BUILD_DIR
set -euo pipefail
binary=$1
build_dir=$2
# Catch2 exits with the number of test cases it listed, so its status says nothing here.
names=$("$binary" --list-test-names-only || true)
listed=$(printf '%s\n' "$names" | grep -v '^$' | sort)
registered=$(ctest --test-dir "$build_dir" -N -L '^unit$' | sed -n 's/^ *Test *#[0-9]*: //p' | sort)
if [ "$listed" != "$registered" ]; then
  echo "Catch2 test cases (<) and ctest's unit tests (>) differ:"
  diff <(printf '%s\n' "$listed") <(printf '%s\n' "$registered") || true
  exit 1
fi
echo "$(printf '%s\n' "$listed" | wc -l) Catch2 test cases, each run by ctest under its own name"
