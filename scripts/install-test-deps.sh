#!/usr/bin/env bash
# Installs what the tests need beyond the build: Debian's Chromium (the rendered-report test
# drives it through playwright-core; npm's own browser downloads are not used) and the npm
# packages of tests/e2e, from the lock file.
set -euo pipefail

"$(dirname "$0")/install-deps.sh" chromium fonts-dejavu-core fonts-noto-color-emoji

cd "$(dirname "$0")/../tests/e2e"
if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    # --include=dev: the OpenTelemetry SDK packages are dev dependencies, wanted even where
    # NODE_ENV=production or an npm configuration would omit them.
    npm ci --include=dev --no-audit --no-fund --loglevel=error
  fi
fi
