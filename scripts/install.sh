#!/bin/sh
# Installs a released kvonce-trace: downloads the tarball for this machine and the release's
# SHA256SUMS, checks the tarball against it, and copies bin/ and share/ into PREFIX.
#   scripts/install.sh VERSION [PREFIX]
# VERSION is a release such as 0.1.0 (or v0.1.0). PREFIX defaults to /usr/local for root and
# ~/.local otherwise. KVONCE_INSTALL_BASE_URL replaces the release's download URL (a mirror;
# the assets keep their names). Refuses, leaving PREFIX untouched and nothing else behind, on an
# unknown operating system or architecture, a missing asset, a checksum mismatch, or a binary that
# cannot start here (its runtime libraries are listed in README.md, "Install").
set -eu

repository=${KVONCE_REPOSITORY:-OWNER/kvonce-trace}

die() {
  echo "install.sh: $*" >&2
  exit 1
}

if [ $# -lt 1 ] || [ $# -gt 2 ] || [ -z "$1" ]; then
  echo "usage: install.sh VERSION [PREFIX]" >&2
  exit 2
fi
version=${1#v}
if [ $# -eq 2 ]; then
  prefix=$2
elif [ "$(id -u)" -eq 0 ]; then
  prefix=/usr/local
else
  prefix=$HOME/.local
fi

case $(uname -s) in
  Linux) os=linux ;;
  *) die "no kvonce-trace release for $(uname -s) (releases exist for Linux only)" ;;
esac
case $(uname -m) in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) die "no kvonce-trace release for the architecture $(uname -m) (x86_64 and aarch64 only)" ;;
esac

base=${KVONCE_INSTALL_BASE_URL:-https://github.com/$repository/releases/download/v$version}
base=${base%/}
name=kvonce-trace-$version-$os-$arch
asset=$name.tar.gz

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# download URL FILE: fails with the HTTP status in the message.
download() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 --proto '=https,http' -o "$2" "$1" 2>"$tmp/error" || return 1
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" 2>"$tmp/error" || return 1
  else
    die "needs curl or wget"
  fi
}

download "$base/SHA256SUMS" "$tmp/SHA256SUMS" ||
  die "cannot download SHA256SUMS of kvonce-trace $version from $base: $(cat "$tmp/error")"
expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1 }' "$tmp/SHA256SUMS")
[ -n "$expected" ] ||
  die "kvonce-trace $version has no $asset ($os/$arch): SHA256SUMS at $base does not list it"
download "$base/$asset" "$tmp/$asset" ||
  die "cannot download $asset from $base: $(cat "$tmp/error")"

if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum "$tmp/$asset" | cut -d' ' -f1)
else
  actual=$(shasum -a 256 "$tmp/$asset" | cut -d' ' -f1)
fi
[ "$actual" = "$expected" ] ||
  die "checksum mismatch for $asset: SHA256SUMS says $expected, the download is $actual; nothing installed"

mkdir "$tmp/x"
tar -xzf "$tmp/$asset" -C "$tmp/x" || die "$asset is not a readable tarball; nothing installed"
[ -x "$tmp/x/$name/bin/kvonce-trace" ] || die "$asset holds no $name/bin/kvonce-trace"
"$tmp/x/$name/bin/kvonce-trace" --version >"$tmp/version" 2>"$tmp/error" ||
  die "the binary cannot run here: $(cat "$tmp/error"); install its runtime libraries (README.md, \"Install\") and retry; nothing installed"

# Copy in place; the binary last and by rename, so a PATH lookup never finds half a file.
mkdir -p "$prefix/bin" "$prefix/share"
cp -R "$tmp/x/$name/share/." "$prefix/share/"
cp "$tmp/x/$name/bin/kvonce-trace" "$prefix/bin/.kvonce-trace.new"
mv -f "$prefix/bin/.kvonce-trace.new" "$prefix/bin/kvonce-trace"
echo "installed $(head -n 1 "$tmp/version") as $prefix/bin/kvonce-trace"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "note: $prefix/bin is not on PATH" ;;
esac
