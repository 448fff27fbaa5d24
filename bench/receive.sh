#!/usr/bin/env bash
# Measures `kvonce-trace receive` end to end: SPANS KvOnce spans from EXPORTERS concurrent senders
# into `receive -- COMMAND`, through the verdict of both modes, against `verify` (and `run --input`)
# of the same spans from the file receive kept. Prints a Markdown table.
#
#   bench/receive.sh [--sender sdk|wire] [--spans N] [--exporters N] [--build DIR] [--gzip]
#
#   --sender S     sdk: OpenTelemetry JavaScript SDK exporters (half OTLP/HTTP protobuf, half
#                  OTLP/gRPC; tests/e2e/receive/load.mjs), what a test suite sends (default);
#                  wire: requests split from a kvonce-gen protobuf payload and encoded before the
#                  clock starts, sent over as many connections as exporters, half OTLP/HTTP, half
#                  OTLP/gRPC (bench/receive_wire.mjs), so that the receiver rather than the
#                  senders is measured
#   --spans N      spans in all (default 1000000)
#   --exporters N  concurrent exporters, or connections (default 32)
#   --build DIR    build directory holding src/kvonce-trace and, for wire, bench/kvonce-gen
#                  (default build/bench)
#   --gzip         wire only: gzip every request beforehand
#
# Rows: the sender alone into `receive --output` (what the sender takes, the capture included);
# `receive -- sender` from start to verdict; `verify` and `run --input` of the kept capture. Wall
# time around each command; peak RSS of kvonce-trace from /usr/bin/time -f %M. The wire sender's
# own figure (its sending alone, without node's start and the encoding) follows the table.
# sdk needs node and the npm packages of tests/e2e (npm ci in tests/e2e); wire needs node only.
# Not part of ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

sender=sdk spans=1000000 exporters=32 build=build/bench gzip=
while (($#)); do
  case "$1" in
    --sender) sender="${2:?--sender needs sdk or wire}"; shift ;;
    --spans) spans="${2:?--spans needs a number}"; shift ;;
    --exporters) exporters="${2:?--exporters needs a number}"; shift ;;
    --build) build="${2:?--build needs a directory}"; shift ;;
    --gzip) gzip=--gzip ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "receive.sh: unknown option $1 (see --help)" >&2; exit 3 ;;
  esac
  shift
done
case "$sender" in
  sdk) [ -z "$gzip" ] || { echo "receive.sh: --gzip is for --sender wire" >&2; exit 3; } ;;
  wire) ;;
  *) echo "receive.sh: --sender is sdk or wire, not $sender" >&2; exit 3 ;;
esac
bin="$build/src/kvonce-trace" gen="$build/bench/kvonce-gen"
tools=("$bin" /usr/bin/time)
[ "$sender" = sdk ] || tools+=("$gen")
for tool in "${tools[@]}"; do
  [ -x "$tool" ] || { echo "receive.sh: $tool not found" >&2; exit 3; }
done
command -v node >/dev/null || { echo "receive.sh: node is required" >&2; exit 3; }
[ "$sender" = wire ] || [ -d tests/e2e/node_modules/@opentelemetry/exporter-trace-otlp-grpc ] ||
  { echo "receive.sh: run npm ci in tests/e2e first" >&2; exit 3; }

scratch="$(mktemp -d "${TMPDIR:-/tmp}/kvonce-receive-bench.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

now() { date +%s.%N; }
# Each timed row starts with nothing of the previous rows left to write back: the 2 GB of outputs
# a row writes at 1,000,000 spans would otherwise be flushed during the next one, which then ran
# up to 1.7 times as long.
settle() { sync; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# Two free loopback ports, so that the command (which gets only its protocol's endpoint) can be
# handed both.
read -r http_port grpc_port < <(node -e '
  const net = require("net");
  const one = () => new Promise((r) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
  Promise.all([one(), one()]).then((p) => console.log(p.join(" ")));')
http="http://127.0.0.1:$http_port/v1/traces" grpc="http://127.0.0.1:$grpc_port"

# The sender's command line. wire: a conforming protobuf payload made beforehand (four events per
# key, spans-per-document spans per request).
if [ "$sender" = wire ]; then
  payload="$scratch/payload.binpb"
  "$gen" --spans "$spans" --keys "$(((spans + 3) / 4))" --seed 1 --encoding proto -o "$payload" \
    2>"$scratch/gen.err" || { cat "$scratch/gen.err" >&2; exit 1; }
  send=(node bench/receive_wire.mjs ${gzip:+"$gzip"} "$http" "$grpc" "$exporters" "$payload")
  name="wire sender (pre-encoded requests${gzip:+, gzip})" short="wire sender" own="the wire sender's"
  unit=connections
else
  send=(node tests/e2e/receive/load.mjs "$http" "$grpc" "$exporters" "$spans")
  name="SDK exporters" short="SDK exporters" own="the SDK exporters'" unit=exporters
fi

# 1. The sender alone, into a capture.
/usr/bin/time -f %M -o "$scratch/capture.rss" "$bin" receive --output "$scratch/capture.binpb" \
  --listen "127.0.0.1:$http_port" --grpc-listen "127.0.0.1:$grpc_port" --idle 10s \
  --max-received-bytes 16GiB --max-decompressed-bytes 16GiB 2>"$scratch/capture.err" &
receiver=$!
until grep -q 'listening' "$scratch/capture.err" 2>/dev/null; do sleep 0.1; done
settle
t0=$(now)
"${send[@]}" >"$scratch/sent.json"
t1=$(now)
wait "$receiver"
grep -q "receive: $spans spans in" "$scratch/capture.err" || { cat "$scratch/capture.err" >&2; exit 1; }
grep -q "\"spans\":${spans}[,}]" "$scratch/sent.json" ||
  { echo "receive.sh: the sender did not send $spans spans: $(cat "$scratch/sent.json")" >&2; exit 1; }

# 2. receive -- the sender: from start to the verdict of both modes, which must be 0 (the spans
# conform and the sender succeeded).
settle
t2=$(now)
status=0
/usr/bin/time -f %M -o "$scratch/receive.rss" "$bin" receive --quiet --trace-dir "$scratch/trace" \
  --listen "127.0.0.1:$http_port" --grpc-listen "127.0.0.1:$grpc_port" --max-received-bytes 16GiB \
  --max-decompressed-bytes 16GiB -- "${send[@]}" >"$scratch/sent-receive.json" || status=$?
t3=$(now)
[ "$status" -eq 0 ] || { echo "receive.sh: receive -- $short ended with exit code $status (expected 0)" >&2; exit 1; }
kept="$scratch/trace/payload/kvonce-otlp-received.binpb"

# 3. verify and run of the same spans from the file.
settle
t4=$(now)
/usr/bin/time -f %M -o "$scratch/verify.rss" "$bin" verify --quiet --max-decompressed-bytes 16GiB "$kept"
t5=$(now)
settle
t5b=$(now)
/usr/bin/time -f %M -o "$scratch/run.rss" "$bin" run --quiet --trace-dir "$scratch/run" \
  --max-decompressed-bytes 16GiB --input "$kept" >/dev/null
t6=$(now)

size=$(stat -c %s "$kept")
echo "| $name: $spans spans, $exporters $unit ($(mib $((size / 1024))) MiB of records) | wall s | peak RSS MiB |"
echo "|---|---:|---:|"
echo "| $name into \`receive --output\` (the sender's time) | $(seconds "$t0" "$t1") | $(mib "$(cat "$scratch/capture.rss")") |"
echo "| \`receive -- $short\`, start to verdict (both modes) | $(seconds "$t2" "$t3") | $(mib "$(cat "$scratch/receive.rss")") |"
echo "| \`verify\` of the kept capture | $(seconds "$t4" "$t5") | $(mib "$(cat "$scratch/verify.rss")") |"
echo "| \`run --input\` of the kept capture (both modes) | $(seconds "$t5b" "$t6") | $(mib "$(cat "$scratch/run.rss")") |"
awk -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v t4="$t4" -v t5="$t5" -v own="$own" 'BEGIN {
  r = t3 - t2; v = t5 - t4; l = t1 - t0
  printf "\nreceive end to end / verify of the file: %.1fx; receive minus %s own time / verify: %.1fx\n", r / v, own, (r - l) / v }'
if [ "$sender" = wire ]; then
  sending() { sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p' "$1"; }
  echo "wire sender's sending alone (requests encoded beforehand): $(sending "$scratch/sent.json") s into \`receive --output\`, $(sending "$scratch/sent-receive.json") s under \`receive --\`"
fi
