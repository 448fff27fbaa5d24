#!/usr/bin/env bash
# Installs the Debian packages kvonce-trace builds and tests with (Debian 12), and any packages
# named as arguments (scripts/install-test-deps.sh names the test-only ones).
# Idempotent: skips apt entirely when every package is already present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libcli11-dev nlohmann-json3-dev zlib1g-dev libssl-dev libcurl4-openssl-dev
  catch2 libzip-dev libzstd-dev libisal-dev libnghttp2-dev libboost-dev libprotobuf-dev protobuf-compiler zstd libbenchmark-dev ccache
  clang clang-format libclang-rt-14-dev
  gzip python3 time perl
  zsh fish
  help2man debootstrap
  "$@"
)

missing=()
# Node.js runs the loopback test servers; a machine may already carry its own build.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
