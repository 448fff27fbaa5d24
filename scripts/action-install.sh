#!/usr/bin/env bash
# The install step of the GitHub Action (action.yml): puts kvonce-trace on the job's PATH.
#   VERSION       0.1.0 / v0.1.0: that release, which must exist;
#                 v1 / v1.2 (a moving tag): the release of the version that source declares;
#                 empty: the same for the action's own ref (ACTION_REF);
#                 anything else (a branch, a commit): the action's own source, built.
#   REPOSITORY    owner/name whose releases are downloaded
# A release is installed by scripts/install.sh (SHA256SUMS checked) into the runner's tool cache
# and taken from there by later jobs on the same runner. A build runs in a debian:12 container,
# since the build assumes Debian 12's packages, and builds the binary alone (no tests).
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) arch=x86_64 ;;
  Linux/ARM64) arch=aarch64 ;;
  *)
    echo "::error::kvonce-trace runs on Linux X64 and ARM64 runners, not ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}"
    exit 1
    ;;
esac

ref=${VERSION:-${ACTION_REF:-}}
base_of() { echo "${KVONCE_INSTALL_BASE_URL:-https://github.com/$REPOSITORY/releases/download/v$1}"; }
release_exists() { curl -fsSL -o /dev/null "$(base_of "$1")/SHA256SUMS"; }
source_version() { sed -n 's/^project(kvonce-trace VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt"; }

tool_dir() { echo "$RUNNER_TOOL_CACHE/kvonce-trace/$1/$arch"; }
cached() { [ -f "$(tool_dir "$1").complete" ]; }

# A release, from the tool cache when an earlier job of this runner installed it.
install_release() {
  local tool
  tool=$(tool_dir "$1")
  if cached "$1"; then
    echo "kvonce-trace $1 from the tool cache ($tool)"
  else
    rm -rf "$tool"
    KVONCE_REPOSITORY=$REPOSITORY "$source_dir/scripts/install.sh" "$1" "$tool"
    touch "$tool.complete"
  fi
  bindir=$tool/bin
}

build_from_source() {
  local out=${RUNNER_TEMP:-/tmp}/kvonce-trace-build commit=unknown
  if [[ $ref =~ ^[0-9a-f]{40}$ ]]; then
    commit=$ref
  elif git -C "$source_dir" rev-parse HEAD >/dev/null 2>&1; then
    commit=$(git -C "$source_dir" rev-parse HEAD)
  fi
  echo "building kvonce-trace ($commit) from $source_dir in debian:12"
  rm -rf "$out"
  mkdir -p "$out"
  docker run --rm -v "$source_dir:/src:ro" -v "$out:/out" -e KVONCE_GIT_COMMIT="$commit" debian:12 \
    bash -euo pipefail -c '
      apt-get update -qq
      grep -v "^#" /src/packaging/build-packages |
        DEBIAN_FRONTEND=noninteractive xargs apt-get install -y -qq --no-install-recommends >/dev/null
      cmake -S /src -B /tmp/build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DKVONCE_BUILD_TESTS=OFF -DKVONCE_BUILD_BENCH=OFF -DKVONCE_GIT_COMMIT="$KVONCE_GIT_COMMIT" >/dev/null
      cmake --build /tmp/build --target kvonce-trace-dist
      DESTDIR=/out cmake --install /tmp/build --component runtime --prefix /
      chown -R "'"$(id -u):$(id -g)"'" /out'
  bindir=$out/bin
}

# The runner's own shared libraries serve the binary; any it lacks (libzip on some images) come
# from apt. Ubuntu 24.04 names them with a t64 suffix, Debian and older Ubuntu without.
install_missing_libraries() {
  local missing lib pkg
  missing=$(ldd "$bindir/kvonce-trace" | awk '/not found/ { print $1 }')
  [ -z "$missing" ] && return
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  for lib in $missing; do
    case $lib in
      libzip.so.*) pkg=libzip4 ;;
      libcurl.so.*) pkg=libcurl4 ;;
      libssl.so.* | libcrypto.so.*) pkg=libssl3 ;;
      libzstd.so.*) pkg=libzstd1 ;;
      libz.so.*) pkg=zlib1g ;;
      *)
        echo "::error::kvonce-trace needs $lib, which this runner lacks"
        exit 1
        ;;
    esac
    $sudo apt-get install -y -qq --no-install-recommends "${pkg}t64" 2>/dev/null ||
      $sudo apt-get install -y -qq --no-install-recommends "$pkg"
  done
}

if [[ $ref =~ ^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
  if cached "${ref#v}" || release_exists "${ref#v}"; then
    install_release "${ref#v}"
  elif [ -n "${VERSION:-}" ]; then
    echo "::error::kvonce-trace has no release ${ref#v} in $REPOSITORY"
    exit 1
  else
    echo "::warning::no release ${ref#v} in $REPOSITORY yet: building the action's source"
    build_from_source
  fi
elif [[ $ref =~ ^v[0-9]+(\.[0-9]+)?$ ]] && release_exists "$(source_version)"; then
  install_release "$(source_version)"
else
  build_from_source
fi
install_missing_libraries
"$bindir/kvonce-trace" --version
echo "$bindir" >>"$GITHUB_PATH"
echo "binary=$bindir/kvonce-trace" >>"$GITHUB_OUTPUT"
