#!/usr/bin/env bash
# Installs the npm packages of the loopback test servers (tests/e2e), from the lock file.
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e"
if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    # --include=dev: the OpenTelemetry SDK packages are dev dependencies, wanted even where
    # NODE_ENV=production or an npm configuration would omit them.
    npm ci --include=dev --no-audit --no-fund --loglevel=error
  fi
fi
