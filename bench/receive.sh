#!/usr/bin/env bash
# Measures `kvonce-trace receive` end to end: SPANS KvOnce spans from EXPORTERS concurrent
# OpenTelemetry JavaScript SDK exporters (half OTLP/HTTP protobuf, half OTLP/gRPC;
# tests/e2e/receive/load.mjs) into `receive -- COMMAND`, through the verdict of both modes, against
# `verify` (and `run --input`) of the same spans from the file receive kept. Prints a Markdown
# table.
#
#   bench/receive.sh [--spans N] [--exporters N] [--build DIR]
#
#   --spans N      spans in all (default 1000000)
#   --exporters N  concurrent exporters (default 32)
#   --build DIR    build directory holding src/kvonce-trace (default build/bench)
#
# Rows: the load generator alone into `receive --output` (what the exporters take, the capture
# included); `receive -- load generator` from start to verdict; `verify` and `run --input` of the
# kept capture. Wall time around each command; peak RSS of kvonce-trace from /usr/bin/time -f %M.
# Needs node and the npm packages of tests/e2e (npm ci in tests/e2e). Not part of ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

spans=1000000 exporters=32 build=build/bench
while (($#)); do
  case "$1" in
    --spans) spans="${2:?--spans needs a number}"; shift ;;
    --exporters) exporters="${2:?--exporters needs a number}"; shift ;;
    --build) build="${2:?--build needs a directory}"; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "receive.sh: unknown option $1 (see --help)" >&2; exit 3 ;;
  esac
  shift
done
bin="$build/src/kvonce-trace"
load=tests/e2e/receive/load.mjs
for tool in "$bin" /usr/bin/time; do
  [ -x "$tool" ] || { echo "receive.sh: $tool not found" >&2; exit 3; }
done
command -v node >/dev/null || { echo "receive.sh: node is required" >&2; exit 3; }
[ -d tests/e2e/node_modules/@opentelemetry/exporter-trace-otlp-grpc ] ||
  { echo "receive.sh: run npm ci in tests/e2e first" >&2; exit 3; }

scratch="$(mktemp -d "${TMPDIR:-/tmp}/kvonce-receive-bench.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# Two free loopback ports, so that the command (which gets only its protocol's endpoint) can be
# handed both.
read -r http_port grpc_port < <(node -e '
  const net = require("net");
  const one = () => new Promise((r) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
  Promise.all([one(), one()]).then((p) => console.log(p.join(" ")));')
http="http://127.0.0.1:$http_port/v1/traces" grpc="http://127.0.0.1:$grpc_port"

# 1. The exporters alone, into a capture.
/usr/bin/time -f %M -o "$scratch/capture.rss" "$bin" receive --output "$scratch/capture.binpb" \
  --listen "127.0.0.1:$http_port" --grpc-listen "127.0.0.1:$grpc_port" --idle 10s \
  --max-received-bytes 16GiB 2>"$scratch/capture.err" &
receiver=$!
until grep -q 'listening' "$scratch/capture.err" 2>/dev/null; do sleep 0.1; done
t0=$(now)
node "$load" "$http" "$grpc" "$exporters" "$spans" >"$scratch/sent.json"
t1=$(now)
wait "$receiver"
grep -q "receive: $spans spans in" "$scratch/capture.err" || { cat "$scratch/capture.err" >&2; exit 1; }

# 2. receive -- the load generator: from start to the verdict of both modes.
t2=$(now)
/usr/bin/time -f %M -o "$scratch/receive.rss" "$bin" receive --quiet --trace-dir "$scratch/trace" \
  --listen "127.0.0.1:$http_port" --grpc-listen "127.0.0.1:$grpc_port" --max-received-bytes 16GiB \
  --max-decompressed-bytes 16GiB -- node "$load" "$http" "$grpc" "$exporters" "$spans" >/dev/null
t3=$(now)
kept="$scratch/trace/payload/kvonce-otlp-received.binpb"

# 3. verify and run of the same spans from the file.
t4=$(now)
/usr/bin/time -f %M -o "$scratch/verify.rss" "$bin" verify --quiet --max-decompressed-bytes 16GiB "$kept"
t5=$(now)
/usr/bin/time -f %M -o "$scratch/run.rss" "$bin" run --quiet --trace-dir "$scratch/run" \
  --max-decompressed-bytes 16GiB --input "$kept" >/dev/null
t6=$(now)

size=$(stat -c %s "$kept")
echo "| $spans spans, $exporters exporters ($(mib $((size / 1024))) MiB of records) | wall s | peak RSS MiB |"
echo "|---|---:|---:|"
echo "| exporters into \`receive --output\` (load generator's time) | $(seconds "$t0" "$t1") | $(mib "$(cat "$scratch/capture.rss")") |"
echo "| \`receive -- load generator\`, start to verdict (both modes) | $(seconds "$t2" "$t3") | $(mib "$(cat "$scratch/receive.rss")") |"
echo "| \`verify\` of the kept capture | $(seconds "$t4" "$t5") | $(mib "$(cat "$scratch/verify.rss")") |"
echo "| \`run --input\` of the kept capture (both modes) | $(seconds "$t5" "$t6") | $(mib "$(cat "$scratch/run.rss")") |"
awk -v r="$(seconds "$t2" "$t3")" -v v="$(seconds "$t4" "$t5")" -v l="$(seconds "$t0" "$t1")" 'BEGIN {
  printf "\nreceive end to end / verify of the file: %.1fx; receive minus the exporters'"'"' own time / verify: %.1fx\n", r / v, (r - l) / v }'
