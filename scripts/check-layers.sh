#!/usr/bin/env bash
# Fails when the directories of src/ depend on each other against the layer order below, or in a
# cycle. The graph is derived from the `#include "kvonce/<dir>/..."` lines: src/kvonce/<dir>/ is
# <dir>, src/cli/ is cli.
#   scripts/check-layers.sh          check (what the test suite runs)
#   scripts/check-layers.sh --graph  print the directory graph ("from to" lines) and check
set -euo pipefail
cd "$(dirname "$0")/.."

# Lowest first. A directory may include its own headers and those of earlier layers only, so
# the dependencies point one way: net -> transfer -> cloud, github -> fetch -> report -> steps ->
# batch -> cli. Directories on one line are peers and include none of each other.
layers=(
  "util contract"
  "crypto event net"
  "io"
  "json"
  "ndjson otlp rules privacy"
  "payload output"
  "transfer"
  "cloud github"
  "fetch receive"
  "report"
  "steps"
  "batch"
  "cli"
)

declare -A layer_of
for i in "${!layers[@]}"; do
  for dir in ${layers[$i]}; do layer_of[$dir]=$i; done
done

# "from to file" for every include of another directory.
includes=$(grep -rEo --include='*.cpp' --include='*.hpp' --include='*.in' \
             '^[[:space:]]*#[[:space:]]*include[[:space:]]+"kvonce/[a-z_0-9]+/' src |
           sed -E 's#^src/(kvonce/)?([a-z_0-9]+)/[^:]*:.*"kvonce/([a-z_0-9]+)/$#\2 \3#;t;d' |
           awk '$1 != $2' | sort -u)
# The same with the including files, for the messages.
located=$(grep -rEn --include='*.cpp' --include='*.hpp' --include='*.in' \
            '^[[:space:]]*#[[:space:]]*include[[:space:]]+"kvonce/[a-z_0-9]+/' src || true)

[ "${1:-}" = --graph ] && printf '%s\n' "$includes"

status=0
for dir in $(find src/kvonce -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort) cli; do
  if [ -z "${layer_of[$dir]+set}" ]; then
    echo "check-layers: src directory '$dir' is in no layer (add it to scripts/check-layers.sh)"
    status=1
  fi
done

while read -r from to; do
  [ -n "$from" ] || continue
  for dir in "$from" "$to"; do
    [ -n "${layer_of[$dir]+set}" ] || { echo "check-layers: '$dir' is in no layer"; status=1; }
  done
  [ -n "${layer_of[$from]+set}" ] && [ -n "${layer_of[$to]+set}" ] || continue
  if [ "${layer_of[$from]}" -le "${layer_of[$to]}" ]; then
    echo "check-layers: $from/ includes $to/, which is not in an earlier layer:"
    prefix="src/kvonce/$from/"
    [ "$from" = cli ] && prefix="src/cli/"
    grep -F "$prefix" <<<"$located" | grep -F "\"kvonce/$to/" | sed 's/^/  /'
    status=1
  fi
done <<<"$includes"

# A cycle would also break the order above; tsort names the directories on it.
if ! cycle=$(awk 'NF == 2' <<<"$includes" | tsort 2>&1 >/dev/null) || [ -n "$cycle" ]; then
  echo "check-layers: the directories include each other in a cycle:"
  echo "$cycle" | sed 's/^tsort: /  /'
  status=1
fi

[ "$status" -eq 0 ] && echo "check-layers: $(wc -l <<<"$includes") directory dependencies, all downward"
exit "$status"
