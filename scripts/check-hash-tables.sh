#!/usr/bin/env bash
# Fails when src/ declares a standard hash table keyed by text (std::unordered_map, _set,
# _multimap or _multiset of std::string or std::string_view), or names std::hash of text,
# outside the allow-list below.
# std::hash of text is unkeyed: a payload can choose texts that share one hash value and turn every
# lookup into a scan of all of them. Tables indexed by payload text use KeyIndex
# (util/key_index.hpp) or keyed_hash (util/keyed_hash.hpp), whose hash is keyed with a secret.
# Only tables whose keys are fixed in the source may use std::hash.
#   scripts/check-hash-tables.sh   check (what the test suite runs)
set -euo pipefail
cd "$(dirname "$0")/.."

# "file variable": a table of fixed keys, named by the variable it declares.
allowed=(
)

# "file:line: declaration" for every unordered container whose key is text, and every std::hash of
# text; the declaration may span lines (perl reads each file whole).
found=$(find src -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.in' \) -print0 | sort -z |
  xargs -0 perl -0777 -ne '
    while (/((?:std::)?(?:unordered_(?:multi)?(?:map|set)|hash)\s*<\s*(?:const\s+)?(?:std::)?(?:string|string_view|basic_string|basic_string_view)\b[^;{(]*)/g) {
      my $decl = $1;
      my $line = 1 + (substr($_, 0, $-[0]) =~ tr/\n//);
      $decl =~ s/\s+/ /g;
      print "$ARGV:$line: $decl\n";
    }')

status=0
count=0
while IFS= read -r hit; do
  [ -n "$hit" ] || continue
  count=$((count + 1))
  file=${hit%%:*}
  ok=0
  for entry in "${allowed[@]}"; do
    read -r allowed_file allowed_name <<<"$entry"
    if [ "$file" = "$allowed_file" ] && grep -qw -- "$allowed_name" <<<"$hit"; then ok=1; fi
  done
  if [ "$ok" -eq 0 ]; then
    echo "check-hash-tables: a std::hash table keyed by text (use KeyIndex or keyed_hash):"
    echo "  $hit"
    status=1
  fi
done <<<"$found"

# An allow-list entry that matches nothing is stale.
for entry in "${allowed[@]}"; do
  read -r allowed_file allowed_name <<<"$entry"
  if ! grep -F "$allowed_file:" <<<"$found" | grep -qw -- "$allowed_name"; then
    echo "check-hash-tables: allow-list entry '$entry' matches no table (remove it)"
    status=1
  fi
done

[ "$status" -eq 0 ] && echo "check-hash-tables: $count table(s) keyed by text, all of fixed keys"
exit "$status"
