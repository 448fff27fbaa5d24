#!/usr/bin/env bash
# The output check of ctest's output_identity at the benchmark's size: every file verify -d (both
# modes, both profiles) and run write for two 150,000-span payloads, normalised as
# bench/output_digests.sh says, against another build's or against the recorded list.
#
#   bench/compare_outputs.sh [--build DIR] [--reference KVONCE_TRACE] [--record]
#
#   --build DIR       the build to check (default build/bench; DIR/src/kvonce-trace and
#                     DIR/bench/kvonce-gen)
#   --reference BIN   compare with what BIN writes for the same payloads (a build of the commit
#                     before a change); without it, with bench/output-digests-full.sha256
#   --record          write bench/output-digests-full.sha256 from the build instead
#
# Takes a minute or two and about 1.5 GB in ${TMPDIR:-/tmp}/kvonce-outputs. Not part of ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/bench reference="" record=0
while (($#)); do
  case "$1" in
    --build) build="${2:?--build needs a directory}"; shift ;;
    --reference) reference="${2:?--reference needs a binary}"; shift ;;
    --record) record=1 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare_outputs.sh: unknown option $1 (see --help)" >&2; exit 3 ;;
  esac
  shift
done
bin=$build/src/kvonce-trace gen=$build/bench/kvonce-gen
for tool in "$bin" "$gen"; do
  [ -x "$tool" ] || { echo "compare_outputs.sh: $tool not found" >&2; exit 3; }
done
scratch="${TMPDIR:-/tmp}/kvonce-outputs"
recorded=bench/output-digests-full.sha256
actual=$(bench/output_digests.sh "$bin" "$gen" "$scratch/this" full)
if ((record)); then
  printf '%s\n' "$actual" >"$recorded"
  echo "recorded $(wc -l <"$recorded") digests in $recorded"
  exit 0
fi
if [ -n "$reference" ]; then
  expected=$(bench/output_digests.sh "$reference" "$gen" "$scratch/reference" full)
  what="$reference"
else
  expected=$(cat "$recorded")
  what="$recorded"
fi
if ! diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual"); then
  echo "outputs differ (< $what, > $bin; files in $scratch)" >&2
  exit 1
fi
echo "$(grep -vc '  payloads/' <<<"$actual") outputs identical to $what's"
rm -rf "$scratch"
