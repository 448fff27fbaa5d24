#!/usr/bin/env bash
# Sets up a Debian 12 machine and runs every test: the optimised build with warnings as errors,
# its packages installed into fresh Debian 12 roots (scripts/test-packages.sh, as root),
# then the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer, then each
# libFuzzer target for a bounded time from the same sanitizer build.
#   scripts/test.sh            all three
#   scripts/test.sh --no-asan  the optimised run only (quicker, for local iteration)
# KVONCE_FUZZ_SECONDS sets the time per fuzz target (default 30; 0 skips fuzzing).
set -euo pipefail
cd "$(dirname "$0")/.."
asan=1
[ "${1:-}" = "--no-asan" ] && asan=0

scripts/install-deps.sh
scripts/install-test-deps.sh
jobs=$(nproc)

cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"
ctest --preset ci -j "$jobs"
# The packages of that same build (no third compile), installed and run in fresh Debian 12 roots.
scripts/package.sh build/ci
scripts/test-packages.sh

if [ "$asan" = 1 ]; then
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --preset asan -j "$jobs"
  fuzz_seconds=${KVONCE_FUZZ_SECONDS:-30}
  if ((fuzz_seconds > 0)); then
    scripts/fuzz.sh --preset asan --jobs "$jobs" "$fuzz_seconds"
  fi
fi
