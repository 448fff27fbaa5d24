#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds the kvonce-trace binary alone (not the tests and benchmarks)
# and runs the CI job on the embedded sample.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target kvonce-trace
echo
echo "$ build/release/src/kvonce-trace run"
build/release/src/kvonce-trace run
