#!/usr/bin/env bash
# Measures kvonce-trace against the performance targets and prints them as a Markdown table.
#
#   bench/run.sh [--quick] [--large] [--forms-only | --reading-only] [--runs N] [--build DIR]
#
#   --quick        smaller payloads (about a tenth): a minute instead of ten
#   --large        also the 1 GB payload (1.5 M spans): peak memory; takes minutes
#   --forms-only   only the payload-form rows (6a-6g: protobuf, zstd, length-prefixed records)
#   --reading-only only rows 7a-7i (CPU against a simdjson walk, gzip -dc, zstd -dc; writing
#                  the outputs; peak memory), at least 5 pairs each
#   --runs N       runs per figure (default 3, at least 3 for a median worth quoting)
#   --build DIR  build directory holding src/kvonce-trace and bench/kvonce-gen (default
#                build/bench, configured with -DKVONCE_BUILD_BENCH=ON)
#
# Every figure is the median of N runs; a ratio is computed run by run (A and B measured side by
# side, alternating which goes first) and the median of those ratios is shown, so a machine that
# slows down mid-run moves both sides. Wall time is taken around the command; CPU time (user +
# system of the whole process, rows 7, to the microsecond) and peak RSS come from kvonce-rusage
# (bench/rusage_run.cpp: /usr/bin/time rounds to hundredths of a second). Row 7a needs
# kvonce-simdjson-walk, built when simdjson is installed (scripts/install-bench-deps.sh). Payloads are generated into ${TMPDIR:-/tmp}/kvonce-bench once and reused
# while their parameters (in the file name) are the same. This is a benchmark, not a test: it is
# not part of ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0 large=0 forms_only=0 reading_only=0 runs=3 build=build/bench
while (($#)); do
  case "$1" in
    --quick) quick=1 ;;
    --large) large=1 ;;
    --forms-only) forms_only=1 ;;
    --reading-only) reading_only=1 ;;
    --runs) runs="${2:?--runs needs a number}"; shift ;;
    --build) build="${2:?--build needs a directory}"; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 3 ;;
  esac
  shift
done
if ! [[ "$runs" =~ ^[0-9]+$ ]] || ((runs < 1)); then
  echo "run.sh: --runs must be a positive number" >&2
  exit 3
fi

bin="$build/src/kvonce-trace"
gen="$build/bench/kvonce-gen"
rusage="$build/bench/kvonce-rusage"
for tool in "$bin" "$gen" "$rusage"; do
  [ -x "$tool" ] || { echo "run.sh: $tool not found; build with -DKVONCE_BUILD_BENCH=ON" >&2; exit 3; }
done
for tool in gzip zstd perl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 3; }
done

scratch="${TMPDIR:-/tmp}/kvonce-bench"
mkdir -p "$scratch/out"
# Bump when the generator's output changes, so stale payloads are not reused.
gen_format=1

# ---------------------------------------------------------------------------------------------
# Payloads

# payload SPANS KEYS [gz] -> path of a JSON Lines payload (generated if missing)
payload() {
  local spans=$1 keys=$2 ext=jsonl flag=()
  [ "${3:-}" = gz ] && ext=jsonl.gz flag=(--gzip)
  local file="$scratch/otlp-v$gen_format-s$spans-k$keys-seed1.$ext"
  if [ ! -s "$file" ]; then
    echo "generating $(basename "$file")" >&2
    "$gen" --spans "$spans" --keys "$keys" --seed 1 --jsonl "${flag[@]}" -o "$file" 2>/dev/null
  fi
  echo "$file"
}

# generated SPANS KEYS EXT KVONCE_GEN_OPTION... -> the spans of `payload SPANS KEYS` in another
# form (kvonce-gen gives the same spans, ids and times whatever the encoding and compression)
generated() {
  local spans=$1 keys=$2 ext=$3
  shift 3
  local file="$scratch/otlp-v$gen_format-s$spans-k$keys-seed1.$ext"
  if [ ! -s "$file" ]; then
    echo "generating $(basename "$file")" >&2
    "$gen" --spans "$spans" --keys "$keys" --seed 1 "$@" -o "$file.tmp" 2>/dev/null
    mv "$file.tmp" "$file"
  fi
  echo "$file"
}

# records FILE json|proto -> the Collector file exporter's legacy `compression: zstd` layout of
# FILE's batches: each a 4-byte big-endian length, then the batch zstd-compressed on its own. A
# batch is a line of JSON Lines, or a ResourceSpans of a protobuf TracesData (field 1: its bytes,
# tag and length included, are a TracesData of that one ResourceSpans).
records() {
  local source=$1 file="$1.records.zst"
  if [ ! -s "$file" ]; then
    echo "generating $(basename "$file")" >&2
    perl -e '
      use strict;
      my ($encoding, $tmp) = @ARGV[0, 1];
      binmode STDIN;
      binmode STDOUT;
      sub record {
        open(my $raw, ">:raw", $tmp) or die "$tmp: $!";
        print $raw $_[0];
        close $raw;
        open(my $z, "-|:raw", "zstd", "-q", "-c", $tmp) or die "zstd: $!";
        local $/;
        my $packed = <$z>;
        close $z or die "zstd failed";
        print pack("N", length $packed), $packed;
      }
      if ($encoding eq "json") {
        while (my $line = <STDIN>) {
          chomp $line;
          record($line) if length $line;
        }
        exit;
      }
      local $/;
      my $buf = <STDIN>;
      my $pos = 0;
      my $varint = sub {
        my ($v, $shift) = (0, 0);
        while (1) {
          my $b = ord substr($buf, $pos++, 1);
          $v |= ($b & 0x7f) << $shift;
          $shift += 7;
          return $v unless $b & 0x80;
        }
      };
      while ($pos < length $buf) {
        my $start = $pos;
        $varint->() == 0x0a or die "not a TracesData of resource_spans at byte $start";
        $pos += $varint->();
        record(substr($buf, $start, $pos - $start));
      }' "$2" "$scratch/record.tmp" <"$source" >"$file.tmp"
    mv "$file.tmp" "$file"
  fi
  echo "$file"
}

# batch_dir COUNT BYTES -> a directory of COUNT payloads of about BYTES each (seeds 1..COUNT)
batch_dir() {
  local count=$1 bytes=$2 dir="$scratch/batch-v$gen_format-n$1-b$2"
  if [ ! -f "$dir/.complete" ]; then
    echo "generating $count payloads of $bytes bytes" >&2
    mkdir -p "$dir"
    for ((i = 1; i <= count; i++)); do
      "$gen" --bytes-target "$bytes" --keys 100 --seed "$i" --jsonl \
        -o "$dir/payload-$i.jsonl" 2>/dev/null
    done
    touch "$dir/.complete"
  fi
  echo "$dir"
}

mib() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f MB", b / 1e6 }'; }
n() { echo "$1" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta'; }  # 1500000 -> 1,500,000

# ---------------------------------------------------------------------------------------------
# Measuring

secs=0 cpu=0 rss_kib=0
# measure CMD... : runs CMD (stdout discarded), sets secs, cpu and rss_kib; fails on a bad exit
# code.
measure() {
  local start end rc=0
  start=$(date +%s%N)
  "$rusage" "$scratch/time.txt" "$@" >/dev/null 2>"$scratch/stderr.txt" || rc=$?
  end=$(date +%s%N)
  if ((rc != 0)); then
    echo "run.sh: exit $rc from: $*" >&2
    tail -5 "$scratch/stderr.txt" >&2
    return "$rc"
  fi
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
  local user sys
  read -r user sys rss_kib < <(tail -n 1 "$scratch/time.txt")
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.6f", u + s }')
}

taken() { if [ "$metric" = cpu ]; then echo "$cpu"; else echo "$secs"; fi; }

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# pair -- CMD_A... -- CMD_B... : A and B side by side, $runs times. Sets the medians a_secs
# b_secs ratio (of A/B per run) a_rss b_rss (MiB). With metric=cpu, a_secs, b_secs and the ratio
# are CPU times instead of wall times.
metric=wall
pair() {
  local -a cmd_a=() cmd_b=() ta=() tb=() ra=() rb=() ratios=()
  shift  # the leading --
  while [ "$1" != -- ]; do cmd_a+=("$1"); shift; done
  shift
  cmd_b=("$@")
  local i sa sb
  for ((i = 0; i < runs; i++)); do
    if ((i % 2 == 0)); then
      measure "${cmd_a[@]}" || return; sa=$(taken); ra+=("$rss_kib")
      measure "${cmd_b[@]}" || return; sb=$(taken); rb+=("$rss_kib")
    else
      measure "${cmd_b[@]}" || return; sb=$(taken); rb+=("$rss_kib")
      measure "${cmd_a[@]}" || return; sa=$(taken); ra+=("$rss_kib")
    fi
    ta+=("$sa") tb+=("$sb")
    ratios+=("$(awk -v a="$sa" -v b="$sb" 'BEGIN { printf "%.4f", a / b }')")
  done
  a_secs=$(median "${ta[@]}") b_secs=$(median "${tb[@]}") ratio=$(median "${ratios[@]}")
  a_rss=$(awk -v k="$(median "${ra[@]}")" 'BEGIN { printf "%.1f", k / 1024 }')
  b_rss=$(awk -v k="$(median "${rb[@]}")" 'BEGIN { printf "%.1f", k / 1024 }')
}

# single CMD... : the command alone, $runs times; sets a_secs and a_rss (medians).
single() {
  local -a ts=() rs=()
  local i
  for ((i = 0; i < runs; i++)); do
    measure "$@" || return
    ts+=("$secs") rs+=("$rss_kib")
  done
  a_secs=$(median "${ts[@]}")
  a_rss=$(awk -v k="$(median "${rs[@]}")" 'BEGIN { printf "%.1f", k / 1024 }')
}

s() { awk -v x="$1" 'BEGIN { printf "%.3f s", x }'; }
x() { awk -v x="$1" 'BEGIN { printf "%.2f×", x }'; }
# verdict VALUE OP LIMIT -> met / missed
verdict() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { ok = op == "<=" ? v <= l : v >= l; print ok ? "met" : "**missed**" }'; }

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 | $7 |"); }

# The commands compared (measure() sends stdout to /dev/null, so gzip -dc only inflates).
verify=("$bin" verify --format otlp -d "$scratch/out/verify" -i)
gunzip=(gzip -dc)

# ---------------------------------------------------------------------------------------------
# Scenarios

if ((quick)); then
  s1=(15000 1000) s3_small=(1500 100) keys_spans=100000 keys_many=100000 batch=(40 1000000)
else
  s1=(150000 10000) s3_small=(15000 1000) keys_spans=1000000 keys_many=1000000 batch=(200 1000000)
fi

plain=$(payload "${s1[@]}")
gz=$(payload "${s1[@]}" gz)
cat "$plain" "$gz" >/dev/null  # into the page cache: we time the tool, not the disk
label="$(n "${s1[0]}") spans, $(n "${s1[1]}") keys ($(mib "$plain"), gz $(mib "$gz"))"

if ((! forms_only && ! reading_only)); then
  echo "target 1: verify on $label" >&2
  pair -- "${verify[@]}" "$gz" -- "${gunzip[@]}" "$gz"
  row 1a "verify --format otlp, gz vs \`gzip -dc\` of the gz; $label" "$(s "$a_secs")" \
    "$(s "$b_secs")" "$(x "$ratio")" "≤ 4×" "$(verdict "$ratio" "<=" 4)"
  rss_gz=$a_rss
  pair -- "${verify[@]}" "$plain" -- "${gunzip[@]}" "$gz"
  row 1b "verify --format otlp, plain JSON vs \`gzip -dc\` of the gz" "$(s "$a_secs")" \
    "$(s "$b_secs")" "$(x "$ratio")" "≤ 3×" "$(verdict "$ratio" "<=" 3)"
  row 1c "peak RSS, verify gz / plain" "$rss_gz MiB" "$a_rss MiB" "" "≤ 64 MiB" \
    "$(verdict "$(printf '%s\n' "$rss_gz" "$a_rss" | sort -g | tail -1)" "<=" 64)"

  echo "target 2: run vs verify" >&2
  pair -- "$bin" run --trace-dir "$scratch/out/run" -i "$gz" -- "${verify[@]}" "$gz"
  row 2 "\`run -i\` (prepare + verify otlp + verify ndjson + report) vs verify, gz" \
    "$(s "$a_secs")" "$(s "$b_secs")" "$(x "$ratio")" "≤ 2×" "$(verdict "$ratio" "<=" 2)"

  echo "target 3: linear in spans, flat in keys" >&2
  small=$(payload "${s3_small[@]}")
  cat "$small" >/dev/null
  pair -- "${verify[@]}" "$plain" -- "${verify[@]}" "$small"
  row 3a "verify, 10× spans: $(n "${s1[0]}") vs $(n "${s3_small[0]}") spans (keys ×10 too), plain" \
    "$(s "$a_secs")" "$(s "$b_secs")" "$(x "$ratio")" "≤ 11×" "$(verdict "$ratio" "<=" 11)"
  few=$(payload "$keys_spans" 100)
  many=$(payload "$keys_spans" "$keys_many")
  cat "$few" "$many" >/dev/null
  pair -- "${verify[@]}" "$many" -- "${verify[@]}" "$few"
  ratio_keys=$ratio
  keys_ok=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.5 && r >= 1 / 1.5) ? "met" : "**missed**" }')
  row 3b "verify, $(n "$keys_many") vs 100 keys, $(n "$keys_spans") spans each ($(mib "$many") / $(mib "$few"))" \
    "$(s "$a_secs")" "$(s "$b_secs")" "$(x "$ratio_keys")" "0.67–1.5×" "$keys_ok"
  row 3c "peak RSS of 3b: $(n "$keys_many") keys / 100 keys" "$a_rss MiB" "$b_rss MiB" "" \
    "bounded by keys and events" "—"

  if ((large)); then
    echo "target 4: 1 GB payload" >&2
    huge=$(payload 1500000 100000)
    single "${verify[@]}" "$huge"
    row 4 "verify, 1,500,000 spans, 100,000 keys ($(mib "$huge")), plain: peak RSS, wall time" \
      "$a_rss MiB" "$(s "$a_secs")" "" "≤ 512 MiB" "$(verdict "$a_rss" "<=" 512)"
  else
    row 4 "verify, 1,500,000 spans (about 1.3 GB): peak RSS" "not run (use --large)" "" "" \
      "≤ 512 MiB" "n/a"
  fi

  echo "target 5: batch" >&2
  if "$bin" --help | awk '/^Subcommands:/ { on = 1; next } on && /^[^ ]/ { on = 0 } on' |
    grep -Eq '^[[:space:]]+batch([[:space:]]|$)'; then
    dir=$(batch_dir "${batch[@]}")
    if pair -- "$bin" batch --jobs 2 --results "$scratch/out/batch2.jsonl" "$dir" \
      -- "$bin" batch --jobs 1 --results "$scratch/out/batch1.jsonl" "$dir"; then
      row 5 "batch --jobs 2 vs --jobs 1, $(n "${batch[0]}") payloads of 1 MB" "$(s "$a_secs")" \
        "$(s "$b_secs")" "$(x "$ratio")" "≤ 0.6×" "$(verdict "$ratio" "<=" 0.6)"
      # What this machine's two CPUs give two jobs that share nothing: two `--jobs 1` processes, one
      # per half of the payloads (--shard), at once, against one process over all of them. On
      # shared or hyper-threaded vCPUs this is well above 0.5×, and row 5 cannot beat it.
      halves=(sh -c '"$0" batch --jobs 1 --shard 1/2 "$1" & a=$!
        "$0" batch --jobs 1 --shard 2/2 "$1" & b=$!
        wait "$a" && wait "$b"' "$bin" "$dir")
      if pair -- "${halves[@]}" -- "$bin" batch --jobs 1 "$dir"; then
        row 5c "reference: two \`batch --jobs 1\` processes at once, a --shard half each, vs one" \
          "$(s "$a_secs")" "$(s "$b_secs")" "$(x "$ratio")" "" "this machine's ceiling for row 5"
      fi
    else
      row 5 "batch --jobs 2 vs --jobs 1, $(n "${batch[0]}") payloads of 1 MB" "n/a (batch failed)" "" "" \
        "≤ 0.6×" "n/a"
    fi
  else
    row 5 "batch --jobs 2 vs --jobs 1, $(n "${batch[0]}") payloads of 1 MB" "n/a (batch not available)" \
      "" "" "≤ 0.6×" "n/a"
  fi

  echo "throughput: prepare vs gzip -dc" >&2
  pair -- "$bin" prepare --format otlp -o "$scratch/out/prepared.ndjson" -i "$gz" \
    -- "${gunzip[@]}" "$gz"
  bytes=$(stat -c %s "$plain")
  mbps() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%.0f MB/s", b / 1e6 / t }'; }
  row T "throughput (uncompressed MB/s): prepare of the gz vs \`gzip -dc\`" "$(mbps "$a_secs")" \
    "$(mbps "$b_secs")" "$(x "$ratio") (time)" "" ""
fi

if ((! reading_only)); then
  # The payload forms the readers take, each against the plain JSON Lines of the same spans.
  echo "payload forms: protobuf, zstd, length-prefixed records vs plain JSON" >&2
  pb=$(generated "${s1[@]}" pb --encoding proto)
  pb_gz=$(generated "${s1[@]}" pb.gz --encoding proto --compression gzip)
  zst=$(generated "${s1[@]}" jsonl.zst --jsonl --compression zstd)
  json_records=$(records "$plain" json)
  pb_records=$(records "$pb" proto)
  cat "$pb" "$pb_gz" "$zst" "$json_records" "$pb_records" >/dev/null
  form_rss=() plain_rss=0
  # form_row ID WHAT FILE [TARGET VERDICT_LIMIT]: verify of FILE vs verify of the plain JSON.
  form_row() {
    pair -- "${verify[@]}" "$3" -- "${verify[@]}" "$plain" || return
    local verdict_text=""
    [ -n "${5:-}" ] && verdict_text=$(verdict "$ratio" "<=" "$5")
    row "$1" "verify, $2 ($(mib "$3")) vs plain JSON Lines ($(mib "$plain"))" "$(s "$a_secs")" \
      "$(s "$b_secs")" "$(x "$ratio")" "${4:-}" "$verdict_text"
    form_rss+=("$a_rss") plain_rss=$b_rss
  }
  form_row 6a "OTLP protobuf (\`kvonce-gen --encoding proto\`)" "$pb" "≤ 0.7×" 0.7
  form_row 6b "gzip OTLP protobuf" "$pb_gz"
  form_row 6c "zstd JSON Lines (\`kvonce-gen --compression zstd\`)" "$zst"
  form_row 6d "length-prefixed JSON records, each zstd (the Collector file exporter's layout)" \
    "$json_records"
  form_row 6e "length-prefixed protobuf records, each zstd" "$pb_records"
  pair -- "${verify[@]}" "$zst" -- zstd -dc "$zst"
  row 6f "verify of the zstd JSON Lines vs \`zstd -dc\` of it" "$(s "$a_secs")" "$(s "$b_secs")" \
    "$(x "$ratio")" "≤ 2×" "$(verdict "$ratio" "<=" 2)"
  rss_max=$(printf '%s\n' "${form_rss[@]}" | sort -g | tail -1)
  row 6g "peak RSS, verify of 6a–6e (largest) / plain JSON" "$rss_max MiB" "$plain_rss MiB" "" \
    "≤ 64 MiB" "$(verdict "$rss_max" "<=" 64)"
fi

# Rows 7: the reading targets, CPU against the machine's own references, writing the outputs, and
# peak memory. Every command with its default options (-q: nothing printed).
echo "rows 7: verify against a simdjson walk, gzip -dc and zstd -dc; writing the outputs" >&2
saved_runs=$runs
((runs >= 5)) || runs=5
pb=$(generated "${s1[@]}" pb --encoding proto)
zst=$(generated "${s1[@]}" jsonl.zst --jsonl --compression zstd)
cat "$plain" "$gz" "$pb" "$zst" >/dev/null
quiet=("$bin" verify -q)
walk="$build/bench/kvonce-simdjson-walk"
metric=cpu
if [ -x "$walk" ]; then
  pair -- "${quiet[@]}" "$plain" -- "$walk" "$plain"
  row 7a "CPU: verify -q of the plain JSON Lines ($(mib "$plain")) vs a simdjson On-Demand walk of it (every span and attribute key)" \
    "$(s "$a_secs")" "$(s "$b_secs")" "$(x "$ratio")" "≤ 1.5×" "$(verdict "$ratio" "<=" 1.5)"
  walk_rss=$b_rss
else
  row 7a "CPU: verify -q vs a simdjson walk" "n/a (kvonce-simdjson-walk not built: no simdjson)" \
    "" "" "≤ 1.5×" "n/a"
  walk_rss=""
fi
metric=wall
pair -- "${quiet[@]}" "$gz" -- gzip -dc "$gz"
row 7b "wall: verify -q of the gzip ($(mib "$gz")) vs \`gzip -dc\` of it" "$(s "$a_secs")" \
  "$(s "$b_secs")" "$(x "$ratio")" "≤ 1.0×" "$(verdict "$ratio" "<=" 1.0)"
rss_forms=("$a_rss")
pair -- "${quiet[@]}" "$zst" -- zstd -dc "$zst"
row 7c "wall: verify -q of the zstd ($(mib "$zst")) vs \`zstd -dc\` of it" "$(s "$a_secs")" \
  "$(s "$b_secs")" "$(x "$ratio")" "" ""
rss_forms+=("$a_rss")
metric=cpu
pair -- "${quiet[@]}" "$pb" -- "${quiet[@]}" "$plain"
row 7d "CPU: verify -q of the protobuf ($(mib "$pb")) vs of the plain JSON Lines" "$(s "$a_secs")" \
  "$(s "$b_secs")" "$(x "$ratio")" "≤ 0.6×" "$(verdict "$ratio" "<=" 0.6)"
rss_forms+=("$a_rss" "$b_rss")
pair -- "${quiet[@]}" "$zst" -- "${quiet[@]}" "$plain"
row 7e "CPU: verify -q of the zstd vs of the plain JSON Lines" "$(s "$a_secs")" "$(s "$b_secs")" \
  "$(x "$ratio")" "≤ 1.05×" "$(verdict "$ratio" "<=" 1.05)"
pair -- "${quiet[@]}" -d "$scratch/out/verify-d" "$plain" -- "${quiet[@]}" "$plain"
row 7f "CPU: verify -q -d DIR (the four files of a mode) vs verify -q, plain JSON Lines" \
  "$(s "$a_secs")" "$(s "$b_secs")" "$(x "$ratio")" "≤ 1.3×" "$(verdict "$ratio" "<=" 1.3)"
rss_writing=("$a_rss")
pair -- "$bin" run -q -i "$plain" --trace-dir "$scratch/out/run-q" -- "${quiet[@]}" "$plain"
row 7g "CPU: run -q (prepare, verify -d in both modes, report) vs verify -q, plain JSON Lines" \
  "$(s "$a_secs")" "$(s "$b_secs")" "$(x "$ratio")" "≤ 2.5×" "$(verdict "$ratio" "<=" 2.5)"
rss_writing+=("$a_rss")
rss_max=$(printf '%s\n' "${rss_forms[@]}" | sort -g | tail -1)
row 7h "peak RSS: largest of verify -q (plain, gzip, zstd, protobuf) / the simdjson walk" \
  "$rss_max MiB" "${walk_rss:+$walk_rss MiB}" "" "≤ 64 MiB" "$(verdict "$rss_max" "<=" 64)"
row 7j "peak RSS: verify -q -d DIR / run -q, plain JSON Lines" "${rss_writing[0]} MiB" \
  "${rss_writing[1]} MiB" "" "" ""
if ((large)); then
  huge=$(payload 1500000 100000)
  runs=1
  measure "${quiet[@]}" "$huge"
  row 7i "peak RSS: verify -q of the 1 GB payload (1,500,000 spans, 100,000 keys, $(mib "$huge"))" \
    "$(awk -v k="$rss_kib" 'BEGIN { printf "%.1f MiB", k / 1024 }')" "$(s "$cpu") CPU" "" \
    "bounded by events" "—"
else
  row 7i "peak RSS: verify -q of the 1 GB payload" "not run (use --large)" "" "" "bounded by events" "n/a"
fi
metric=wall
runs=$saved_runs

# ---------------------------------------------------------------------------------------------
# Report

cpu=$(awk -F': ' '/^model name/ { m = $2 } /^cpu family/ { f = $2 } /^model\t/ { n = $2 }
  END { printf "%s, family %s model %s", m, f, n }' /proc/cpuinfo)
sha="no SHA extensions"
grep -qw sha_ni /proc/cpuinfo && sha="SHA extensions (sha_ni)"
sizes=""
((quick)) && sizes=" (--quick sizes)"
echo
echo "kvonce-trace $("$bin" --version | awk 'NR == 1 { print $2 }') ($(git rev-parse --short HEAD 2>/dev/null || echo "?")), $(date -u +%Y-%m-%d)," \
  "$(nproc) CPUs ($cpu, $sha), load average $(cut -d' ' -f1-3 /proc/loadavg); median of $runs runs$sizes"
echo
echo "| # | Scenario | A | B | A/B (median of per-run ratios) | Target | Result |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
