#!/usr/bin/env bash
# Installs the packages of dist/ (scripts/package.sh) into clean Debian 12 roots and runs them:
#   deb      `apt-get install ./kvonce-trace_*.deb` into a minbase root: its Depends come from the
#            archive, and the root ends up with no compiler and no -dev package
#   tarball  the tarball unpacked into another minbase root holding only the packages of
#            packaging/runtime-packages (the list README names)
# In each: `kvonce-trace run` on the embedded sample, `verify` of a conforming and of a violating
# payload, and `--version` naming the versions of the root's libcurl, OpenSSL, zlib and libzip.
# Needs root (debootstrap, chroot; sudo otherwise) and the Debian archive. The minbase root is
# built once and kept as build/fresh-root/bookworm-minbase.tar for later runs.
set -euo pipefail
cd "$(dirname "$0")/.."
mirror=${KVONCE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=build/fresh-root
base=$cache/bookworm-minbase.tar
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
work=$(mktemp -d)
trap '$sudo rm -rf "$work"' EXIT

fail() {
  echo "test-packages: $*" >&2
  exit 1
}
step() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }

make_base() {
  [ -f "$base" ] && return
  step "debootstrap --variant=minbase bookworm"
  mkdir -p "$cache"
  $sudo debootstrap --variant=minbase bookworm "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap failed"; }
  $sudo tar -C "$work/base" -cf "$base.part" .
  mv "$base.part" "$base"
  $sudo rm -rf "$work/base"
}

# A fresh root from the cached minbase tarball, with the host's resolver for apt-get.
new_root() {
  local root=$work/$1
  mkdir -p "$root"
  $sudo tar -C "$root" -xf "$base"
  $sudo cp /etc/resolv.conf "$root/etc/resolv.conf"
  echo "$root"
}

# Runs a command in a root with a clean environment.
in_root() {
  local root=$1
  shift
  $sudo chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

apt_install() {
  local root=$1
  shift
  in_root "$root" apt-get update -qq
  in_root "$root" apt-get install -y -qq "$@" >"$work/apt.log" 2>&1 ||
    { tail -30 "$work/apt.log" >&2; fail "apt-get install $* failed"; }
}

runtime_packages() { grep -v '^#' packaging/runtime-packages | grep -v '^$'; }

# The upstream part of an installed package's version ("1:1.2.13.dfsg-1" -> "1.2.13").
upstream_version() {
  in_root "$1" dpkg-query -W -f='${Version}' "$2" | sed -E 's/^[0-9]+://; s/[-+~].*//; s/\.dfsg$//'
}

# Runs the installed binary `bin` in `root`: the three commands and the version check.
check_binary() {
  local root=$1 bin=$2
  $sudo mkdir -p "$root/tmp/payloads"
  $sudo cp data/kvonce-otlp-sample.json "$root/tmp/payloads/conforming.json"
  $sudo cp tests/data/kvonce-otlp.json "$root/tmp/payloads/violating.json"

  in_root "$root" "$bin" run --trace-dir /tmp/trace >"$work/run.out" ||
    { cat "$work/run.out"; fail "kvonce-trace run failed in $root"; }
  grep -q '^verify: VALID' "$work/run.out" || { cat "$work/run.out"; fail "run: no VALID verdict"; }
  in_root "$root" "$bin" verify -i /tmp/payloads/conforming.json -d /tmp/v1 >"$work/v1.out" ||
    { cat "$work/v1.out"; fail "verify of a conforming payload did not exit 0"; }
  in_root "$root" test -s /tmp/v1/kvonce-validation.json || fail "verify wrote no kvonce-validation.json"
  local code=0
  in_root "$root" "$bin" verify -i /tmp/payloads/violating.json -d /tmp/v2 >"$work/v2.out" || code=$?
  [ "$code" = 1 ] || { cat "$work/v2.out"; fail "verify of a violating payload exited $code, not 1"; }

  in_root "$root" "$bin" --version >"$work/version"
  local lib pkg want
  for lib in libcurl:libcurl4 OpenSSL:libssl3 zlib:zlib1g libzip:libzip4; do
    pkg=${lib#*:}
    want="${lib%%:*} $(upstream_version "$root" "$pkg")"
    grep -qx "$want" "$work/version" || { cat "$work/version"; fail "--version lacks '$want' ($pkg)"; }
  done
  echo "ok: $(head -1 "$work/version") in $(basename "$root"): run, verify, --version"
}

test_deb() {
  step "the .deb in a fresh root"
  local root deb
  root=$(new_root deb)
  deb=$(ls dist/kvonce-trace_*.deb)
  $sudo cp "$deb" "$root/tmp/"
  apt_install "$root" "/tmp/$(basename "$deb")"
  in_root "$root" dpkg-query -W -f='${Depends}\n' kvonce-trace
  check_binary "$root" kvonce-trace
  in_root "$root" test -f /usr/share/man/man1/kvonce-trace.1.gz || fail "no man page"
  in_root "$root" test -f /usr/share/kvonce-trace/schemas/kvonce-validation.schema.json ||
    fail "no schemas"
  if in_root "$root" sh -c 'command -v cc || command -v gcc || command -v c++'; then
    fail "installing the .deb brought a compiler"
  fi
  if in_root "$root" dpkg-query -W -f='${Package} ${Status}\n' | grep -E -- '-dev .*installed$'; then
    fail "installing the .deb brought a -dev package"
  fi
}

test_tarball() {
  step "the tarball in a fresh root with only the runtime packages"
  local root tarball
  root=$(new_root tarball)
  tarball=$(ls dist/kvonce-trace-*-linux-*.tar.gz)
  # shellcheck disable=SC2046 # one package a line
  apt_install "$root" --no-install-recommends $(runtime_packages)
  $sudo tar -C "$root/opt" -xzf "$tarball"
  check_binary "$root" "/opt/$(basename "$tarball" .tar.gz)/bin/kvonce-trace"
}

# The README names the packages the tarball needs: the list tested here.
for pkg in $(runtime_packages); do
  grep -q "\`$pkg\`" README.md || fail "README.md does not name the runtime package $pkg"
done
[ -f dist/SHA256SUMS ] || fail "no dist/SHA256SUMS: run scripts/package.sh first"
(cd dist && sha256sum --quiet -c SHA256SUMS) || fail "dist/ does not match its SHA256SUMS"
make_base
test_deb
test_tarball
step "done"
