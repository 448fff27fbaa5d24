#!/usr/bin/env bash
# The install step of the GitHub Action (action.yml): puts kvonce-trace on the job's PATH.
#   VERSION       0.1.0 / v0.1.0: that release, which must exist;
#                 v1 / v1.2 (a moving tag): the release of the version that source declares;
#                 empty: the same for the action's own ref (ACTION_REF);
#                 anything else (a branch, a commit): the action's own source, built.
#   REPOSITORY    owner/name whose releases are downloaded
# A release's tarball is kept in the runner's tool cache for later jobs on the same runner, but
# the cache is writable by whatever ran there before (self-hosted runners keep it across jobs),
# so nothing in it is trusted: every job fetches the release's SHA256SUMS again, copies the cached
# tarball into its own directory under RUNNER_TEMP, hashes that copy and extracts it there; a
# tarball that does not match is downloaded afresh (and checked the same way). The binary put on
# PATH is always one this job extracted from bytes it checked. A build runs in a debian:12
# container, since the build assumes Debian 12's packages, and builds the binary alone (no tests).
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
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
fail() {
  echo "::error::$*"
  exit 1
}

# A release, extracted into this job's own directory from a tarball checked against the
# release's SHA256SUMS: the tool cache's copy when it matches, else a fresh download.
install_release() {
  local version=$1 asset cache job expected actual
  asset=kvonce-trace-$1-linux-$arch.tar.gz
  cache=$(tool_dir "$1")
  job=$(mktemp -d "${RUNNER_TEMP:-/tmp}/kvonce-trace.XXXXXX")
  curl -fsSL --retry 3 -o "$job/SHA256SUMS" "$(base_of "$version")/SHA256SUMS" ||
    fail "cannot download SHA256SUMS of kvonce-trace $version from $(base_of "$version")"
  expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1 }' "$job/SHA256SUMS")
  [ -n "$expected" ] || fail "kvonce-trace $version has no $asset: its SHA256SUMS does not list it"
  # The copy is what is hashed and extracted: the cache may change after the check.
  if [ -f "$cache/$asset" ] && cp "$cache/$asset" "$job/$asset" &&
    [ "$(sha256_of "$job/$asset")" = "$expected" ]; then
    echo "kvonce-trace $version from the tool cache ($cache/$asset, checked against SHA256SUMS)"
  else
    if [ -e "$cache/$asset" ]; then
      echo "::warning::the tool cache's $asset does not match the release's SHA256SUMS: downloading it again"
    fi
    curl -fsSL --retry 3 -o "$job/$asset" "$(base_of "$version")/$asset" ||
      fail "cannot download $asset from $(base_of "$version")"
    actual=$(sha256_of "$job/$asset")
    [ "$actual" = "$expected" ] ||
      fail "checksum mismatch for $asset: SHA256SUMS says $expected, the download is $actual; nothing installed"
    # Kept for later jobs (who check it again); a cache that cannot be written only costs time.
    if mkdir -p "$cache" 2>/dev/null && cp "$job/$asset" "$cache/.$asset.$$" 2>/dev/null; then
      mv -f "$cache/.$asset.$$" "$cache/$asset"
    else
      rm -f "$cache/.$asset.$$"
    fi
  fi
  mkdir "$job/x"
  tar -xzf "$job/$asset" -C "$job/x" || fail "$asset is not a readable tarball"
  bindir=$job/x/kvonce-trace-$version-linux-$arch/bin
  [ -x "$bindir/kvonce-trace" ] || fail "$asset holds no kvonce-trace-$version-linux-$arch/bin/kvonce-trace"
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
      libnghttp2.so.*) pkg=libnghttp2-14 ;;
      libisal.so.*) pkg=libisal2 ;;
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
  if release_exists "${ref#v}"; then
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
