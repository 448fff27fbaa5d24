#!/usr/bin/env bash
# Prints the SHA-256 of every file kvonce-trace writes for a fixed set of payloads, normalised so
# that two builds that write the same bytes print the same list:
#
#   bench/output_digests.sh KVONCE_TRACE KVONCE_GEN WORK_DIR quick|full [CASE_FILE...]
#
# The payloads are generated with fixed seeds (quick: a few thousand spans; full: the benchmark's
# 150,000 spans over 10,000 keys), plus any CASE_FILE given (.json is OTLP/JSON, .ndjson events).
# For each OTLP payload: `verify -d` in the otlp mode under both profiles, `verify -d` in the ndjson
# mode of the events it wrote, and `run` (both modes, report); for an NDJSON case, `verify -d`
# under both profiles. Every option that has a default is given explicitly, so a changed default
# cannot pass for a changed writer. Normalised: the values of "generatedAt", "fetchedAt" and
# "seconds" (times of the run). The payloads' own digests are listed first, so a changed
# generator is told apart from a changed writer. Exit codes 0 and 1 (a verdict) are expected;
# any other stops the script.
set -euo pipefail

bin=$(realpath "${1:?kvonce-trace binary}")
gen=$(realpath "${2:?kvonce-gen binary}")
work=${3:?work directory}
size=${4:?quick or full}
shift 4
cases=()
for c in "$@"; do cases+=("$(realpath "$c")"); done

case "$size" in
  quick) payloads=("gen-a 3000 300 0.2 json" "gen-b 2500 100 0 jsonl-gzip" "gen-c 2000 250 0.1 proto-zstd") ;;
  full) payloads=("full-json 150000 10000 0 jsonl" "full-invalid 150000 10000 0.1 jsonl") ;;
  *) echo "output_digests.sh: size must be quick or full" >&2; exit 3 ;;
esac

rm -rf "$work"
mkdir -p "$work/payloads"
cd "$work"
# Nothing from the caller's CI environment reaches the run (step summary, outputs, PR).
for v in $(env | sed -n 's/^\(GITHUB_[A-Za-z0-9_]*\|KVONCE_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done

rules_spec=(--profile spec --order realtime --max-retries 3 --clock-skew 0)
rules_compat=(--profile compat --order input --max-retries 3)
limits=(--max-decompressed-bytes 1GiB --max-string-bytes 64MiB --max-output-bytes 16GiB)

# verdict CMD...: runs CMD quietly; a verdict (exit 0 or 1) is fine, anything else is not.
verdict() {
  local rc=0
  "$@" >/dev/null 2>"$work/stderr.txt" || rc=$?
  if ((rc > 1)); then
    echo "output_digests.sh: exit $rc from: $*" >&2
    cat "$work/stderr.txt" >&2
    exit 1
  fi
}

for p in "${payloads[@]}"; do
  read -r name spans keys rate form <<<"$p"
  opts=(--spans "$spans" --keys "$keys" --seed 7 --invalid-rate "$rate")
  case "$form" in
    json) file=$name.json ;;
    jsonl) file=$name.jsonl opts+=(--jsonl) ;;
    jsonl-gzip) file=$name.jsonl.gz opts+=(--jsonl --compression gzip) ;;
    proto-zstd) file=$name.pb.zst opts+=(--encoding proto --compression zstd) ;;
  esac
  "$gen" "${opts[@]}" -o "payloads/$file" 2>/dev/null
  verdict "$bin" verify "payloads/$file" -q --format otlp "${rules_spec[@]}" "${limits[@]}" \
    -d "$name/verify-spec"
  verdict "$bin" verify "$name/verify-spec/kvonce-events.ndjson" -q --format ndjson \
    "${rules_spec[@]}" "${limits[@]}" -d "$name/verify-ndjson"
  verdict "$bin" verify "payloads/$file" -q --format otlp "${rules_compat[@]}" "${limits[@]}" \
    -d "$name/verify-compat"
  verdict "$bin" run -q -i "payloads/$file" --trace-dir "$name/run" "${rules_spec[@]}" \
    --max-decompressed-bytes 1GiB --max-string-bytes 64MiB --max-output-bytes 16GiB \
    --max-issues 10 --step-summary "$name/step-summary.md" --github-output "$name/github-output.txt" \
    --pr-comment "$name/pr-comment.md" --color never
done

for c in "${cases[@]}"; do
  name=case-$(basename "$c")
  cp "$c" "payloads/$(basename "$c")"
  format=otlp
  [[ "$c" == *.ndjson ]] && format=ndjson
  verdict "$bin" verify "payloads/$(basename "$c")" -q --format "$format" "${rules_spec[@]}" \
    "${limits[@]}" -d "$name/verify-spec"
  verdict "$bin" verify "payloads/$(basename "$c")" -q --format "$format" "${rules_compat[@]}" \
    "${limits[@]}" -d "$name/verify-compat"
done
rm -f "$work/stderr.txt"

# The payloads as generated, then every output, normalised. The projection holds its generatedAt,
# so the digest other files record of it is normalised too.
normalise='s/"(generatedAt|fetchedAt)": ?"[^"]*"/"\1":"-"/g; s/"seconds": ?[-0-9.eE+]+/"seconds":0/g'
normalise+='; s/"([^"]*kvonce-projection\.json)": ?"[0-9a-f]{64}"/"\1":"-"/g'
find payloads -type f | LC_ALL=C sort | xargs sha256sum
find . -path ./payloads -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort |
  while read -r f; do
    digest=$(sed -E "$normalise" "$f" |
      sha256sum | cut -d' ' -f1)
    echo "$digest  $f"
  done
