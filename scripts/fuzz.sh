#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan + UBSan) and runs each one for a
# bounded time, starting from the seed corpora in tests/fuzz/corpus/<target>/.
#   scripts/fuzz.sh            60 seconds per target
#   scripts/fuzz.sh 300        five minutes per target
#   scripts/fuzz.sh 60 fuzz_iso_time fuzz_otlp_payload   only these targets
# Inputs the fuzzer discovers go to build/fuzz/corpus/<target>/ (the seeds in the repository are
# never modified). A crash, hang, leak or failed property stops the script with exit 1 and leaves
# the input in build/fuzz/findings/<target>/ for a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  for dir in tests/fuzz/corpus/*/; do
    name=$(basename "$dir")
    [ -f "tests/fuzz/$name.cpp" ] && targets+=("$name")
  done
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)" --target "${targets[@]}"

status=0
for target in "${targets[@]}"; do
  work=build/fuzz/corpus/$target
  findings=build/fuzz/findings/$target
  mkdir -p "$work" "$findings"
  echo "== $target: ${seconds}s"
  # -timeout: one input taking longer is a hang; -rss_limit_mb: the readers' memory must stay
  # bounded whatever the input; -max_len: larger than any seed, small enough to stay fast.
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "build/fuzz/tests/fuzz/$target" "$work" "tests/fuzz/corpus/$target" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="$findings/" -print_final_stats=1 2>"build/fuzz/$target.log"; then
    echo "!! $target found a problem: see build/fuzz/$target.log and $findings/"
    tail -n 40 "build/fuzz/$target.log"
    status=1
  else
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "build/fuzz/$target.log" || true
  fi
done
exit $status
