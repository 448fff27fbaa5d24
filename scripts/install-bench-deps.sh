#!/usr/bin/env bash
# Installs what the benchmarks need beyond the build (optional; neither the build nor ctest needs
# it): simdjson, for bench/run.sh's reference line (kvonce-simdjson-walk, row 7a).
set -euo pipefail

"$(dirname "$0")/install-deps.sh" libsimdjson-dev
