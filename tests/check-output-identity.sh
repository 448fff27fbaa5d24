#!/usr/bin/env bash
# Every file kvonce-trace writes (verify -d in both modes and under both profiles, run with its
# report) must stay byte for byte what the recorded build wrote for the same payloads and
# options, times of the run aside: tests/data/output-identity/quick.sha256 lists the normalised
# digests (bench/output_digests.sh says what is run and normalised; the payloads are generated,
# and their compressed forms are as Debian 12's zlib and zstd write them). A change that means to
# change an output records the list again:
#   tests/check-output-identity.sh KVONCE_TRACE KVONCE_GEN WORK_DIR --record
set -euo pipefail
bin=${1:?kvonce-trace binary} gen=${2:?kvonce-gen binary} work=${3:?work directory}
root=$(cd "$(dirname "$0")/.." && pwd)
expected=$root/tests/data/output-identity/quick.sha256
cases=("$root"/tests/data/output-identity/*.ndjson)
for c in "$root"/tests/data/reference/cases/*.json "$root"/tests/data/reference/cases/*.ndjson; do
  [[ "$c" == *.expected.json ]] || cases+=("$c")
done
actual=$("$root/bench/output_digests.sh" "$bin" "$gen" "$work" quick "${cases[@]}")
if [ "${4:-}" = --record ]; then
  printf '%s\n' "$actual" >"$expected"
  exit 0
fi
if ! diff <(cat "$expected") <(printf '%s\n' "$actual") >"$work.diff"; then
  echo "outputs differ from the recorded ones (< recorded, > this build; files in $work):" >&2
  cat "$work.diff" >&2
  exit 1
fi
echo "$(grep -vc '^[0-9a-f]*  payloads/' "$expected") outputs identical to the recorded ones"
