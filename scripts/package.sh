#!/usr/bin/env bash
# Packages an existing build into dist/ (CPack), without compiling anything new:
#   kvonce-trace-<version>-linux-<arch>.tar.gz   the binary (stripped), man page, schemas, docs
#   kvonce-trace_<version>_<debian arch>.deb     the same under /usr; Depends from dpkg-shlibdeps
#   kvonce-trace-<version>-linux-<arch>.debug    the binary's debug info (gdb finds it by build id)
#   SHA256SUMS                                   of the three
# scripts/package.sh [BUILD_DIR]   (default build/ci, the build scripts/test.sh tests)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/ci}
[ -f "$build/CPackConfig.cmake" ] ||
  { echo "package.sh: $build is not a configured, installable build (cmake --preset ci)" >&2; exit 3; }

# Up to date already after the suite's build: this only splits the debug info if it is missing.
cmake --build "$build" --target kvonce-trace-dist

version=$("$build/src/kvonce-trace" --version | sed -n '1s/^kvonce-trace //p')
arch=$(uname -m)
rm -rf dist
mkdir -p dist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$build" && cpack -B "$work" >"$work/cpack.log") || { cat "$work/cpack.log" >&2; exit 1; }
mv "$work"/kvonce-trace-*.tar.gz "$work"/kvonce-trace_*.deb dist/
cp "$build/dist/bin/kvonce-trace.debug" "dist/kvonce-trace-$version-linux-$arch.debug"
(cd dist && sha256sum -- * >SHA256SUMS)
ls -l dist
