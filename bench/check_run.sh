#!/usr/bin/env bash
# Keeps the benchmark runnable: run.sh at --quick sizes, one run per figure, must measure every
# row. A row left out or marked n/a means one of its commands failed (an option renamed, an exit
# code changed). Times are not compared: on a shared machine they prove nothing.
#   bench/check_run.sh BUILD_DIR SCRATCH_DIR
set -euo pipefail
build=${1:?build directory} scratch=${2:?scratch directory}
mkdir -p "$scratch"
out=$(TMPDIR=$scratch "$(dirname "$0")/run.sh" --quick --runs 1 --build "$build")
status=0
# Row 4 (1 GB) and 7i only run with --large; 7a needs the simdjson walk, an optional build.
rows=(1a 1b 1c 2 3a 3b 3c 5 5c T 6a 6b 6c 6d 6e 6f 6g 7b 7c 7d 7e 7f 7g 7j)
[ -x "$build/bench/kvonce-simdjson-walk" ] && rows+=(7a)
grep -qE '^\| 7h \|[^|]*\| [0-9.]+ MiB \|' <<<"$out" || { echo "row 7h not measured" >&2; status=1; }
for id in "${rows[@]}"; do
  line=$(grep -E "^\| $id \|" <<<"$out") || { echo "row $id missing" >&2; status=1; continue; }
  grep -qE "^\| $id \|[^|]*\| [0-9.]+ (s|MiB|MB/s) \| [0-9.]+ (s|MiB|MB/s) \|" <<<"$line" || {
    echo "row $id not measured: $line" >&2
    status=1
  }
done
[ "$status" = 0 ] && echo "every row measured"
exit "$status"
