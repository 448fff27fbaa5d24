#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each one for a bounded time, starting from the seed corpora
# in tests/fuzz/corpus/<target>/.
#   scripts/fuzz.sh                       60 seconds per target, as many at once as there are cores
#   scripts/fuzz.sh 300                   five minutes per target
#   scripts/fuzz.sh 60 fuzz_iso_time fuzz_otlp_payload   only these targets
#   scripts/fuzz.sh --preset asan 60      reuse the ASan+UBSan test build (what scripts/test.sh does)
#   scripts/fuzz.sh --jobs 1 ...          one target at a time
# The `fuzz` preset (the default) is optimised, for long runs; the `asan` preset also builds the
# targets, so CI fuzzes without a second sanitizer build. Inputs the fuzzer discovers go to
# <build>/fuzz-corpus/<target>/ (the seeds in the repository are never modified). A crash, hang,
# leak, out-of-memory or failed property makes the script exit 1, print the end of the log and
# leave the input in <build>/fuzz-findings/<target>/, to be turned into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."

preset=fuzz jobs=$(nproc) seconds=60
while (($#)); do
  case "$1" in
    --preset) preset="${2:?--preset needs fuzz or asan}"; shift ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 3 ;;
    *) break ;;
  esac
  shift
done
if (($#)); then seconds=$1; shift; fi
[[ "$seconds" =~ ^[0-9]+$ && "$jobs" =~ ^[1-9][0-9]*$ ]] ||
  { echo "fuzz.sh: seconds and --jobs must be numbers" >&2; exit 3; }

targets=("$@")
if ((${#targets[@]} == 0)); then
  for dir in tests/fuzz/corpus/*/; do
    name=$(basename "$dir")
    [ -f "tests/fuzz/$name.cpp" ] && targets+=("$name")
  done
fi

build=build/$preset
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)" --target "${targets[@]}"

# fuzz_one TARGET: runs it for $seconds; exit status 1 on a finding. Output goes to its log.
fuzz_one() {
  local target=$1 work=$build/fuzz-corpus/$1 findings=$build/fuzz-findings/$1
  mkdir -p "$work" "$findings"
  # -timeout: one input taking longer is a hang; -rss_limit_mb: the readers' memory must stay
  # bounded whatever the input; -max_len: larger than any seed, small enough to stay fast.
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/tests/fuzz/$target" "$work" "tests/fuzz/corpus/$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$findings/" -print_final_stats=1 >"$build/$target.log" 2>&1
}

# Up to $jobs targets at once; each result is reported as it ends.
echo "fuzzing ${#targets[@]} targets for ${seconds}s each, $jobs at a time ($preset build)"
declare -A running=()
status=0
# reap: waits for the next target to end and reports it.
reap() {
  local pid rc=0
  wait -n -p pid "${!running[@]}" || rc=$?
  local target=${running[$pid]}
  unset "running[$pid]"
  if ((rc == 0)); then
    echo "== $target: no finding ($(grep -E '^stat::number_of_executed_units' "$build/$target.log" |
      awk '{ print $2 }') inputs)"
  else
    echo "!! $target found a problem: $build/$target.log, input in $build/fuzz-findings/$target/"
    tail -n 40 "$build/$target.log"
    status=1
  fi
}
for target in "${targets[@]}"; do
  while ((${#running[@]} >= jobs)); do reap; done
  fuzz_one "$target" &
  running[$!]=$target
done
while ((${#running[@]})); do reap; done
exit $status
