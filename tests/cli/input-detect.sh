#!/usr/bin/env bash
# input-detect.sh - JSON Lines are recognised without --jsonl (issue 18 item 2):
# standard input and *.json files whose first line that is not blank is a JSON
# object are read as JSON Lines by `tag` and `show`, with one notice on stderr;
# --plain reads them as plain text; gzip'd and directory inputs likewise.
#
# Usage: input-detect.sh SANCTAG TESTS_DATA_DIR
# Exit status: 0 pass, 1 fail, 99 harness error.

set -u
. "$(dirname -- "$0")/../lib.sh" "$@"
[ $# -eq 2 ] || die "usage: input-detect.sh SANCTAG TESTS_DATA_DIR"
db=$tmp/fixture.db
"$sanctag" gaz build "$db" "$2/fixture.tsv" 2>/dev/null || die "gaz build failed"

bad() { fail "$@"; }
# ids NAME FILE WANT: the ids of the records in FILE, space-separated
ids() {
  local got
  got=$(/usr/bin/python3 -c 'import json,sys
print(" ".join(str(json.loads(l)["id"]) for l in open(sys.argv[1])))' "$2") || got="(not JSON Lines)"
  [ "$got" = "$3" ] || bad "$1: ids '$got', expected '$3'"
}
# notices NAME FILE N: FILE (stderr) holds N notices about how input was read
notices() {
  local n; n=$(grep -c 'first line is' "$2")
  [ "$n" = "$3" ] || { bad "$1: $n notices on stderr, expected $3"; sed 's/^/  /' "$2"; }
}

printf '{"id":"a","text":"Korut dan AS"}\n{"id":"b","text":"Korea Utara"}\n\n{"id":"c","text":"AS"}\n' >"$tmp/feed.json"

# standard input: JSON Lines detected, one notice, whatever -j
for j in 1 3; do
  "$sanctag" tag --db "$db" -j $j <"$tmp/feed.json" >"$tmp/out" 2>"$tmp/err"
  ids "stdin -j $j" "$tmp/out" "a b c"
  notices "stdin -j $j" "$tmp/err" 1
  grep -q -- '--plain' "$tmp/err" || bad "stdin: the notice does not name --plain"
done
# a byte order mark and leading blank lines do not hide the JSON
{ printf '\xef\xbb\xbf\n  \n'; cat "$tmp/feed.json"; } >"$tmp/bom.json"
"$sanctag" tag --db "$db" <"$tmp/bom.json" >"$tmp/out" 2>"$tmp/err"
ids "stdin with BOM" "$tmp/out" "a b c"
# --plain: one plain-text document, no notice
"$sanctag" tag --db "$db" --plain <"$tmp/feed.json" >"$tmp/out" 2>"$tmp/err"
ids "stdin --plain" "$tmp/out" "-"
notices "stdin --plain" "$tmp/err" 0
# plain text on stdin: no notice
echo 'Korut dan AS' | "$sanctag" tag --db "$db" >"$tmp/out" 2>"$tmp/err"
ids "plain stdin" "$tmp/out" "-"
notices "plain stdin" "$tmp/err" 0
# a text that merely starts with '{' is still text
echo '{Korut} dan AS' | "$sanctag" tag --db "$db" >"$tmp/out" 2>"$tmp/err"
ids "brace stdin" "$tmp/out" "-"

# *.json files, gzip'd too, and in a directory: one notice for the whole run
gzip -c "$tmp/feed.json" >"$tmp/feed2.json.gz"
mkdir -p "$tmp/dir/sub"
cp "$tmp/feed.json" "$tmp/dir/sub/x.json"
echo 'Korut' >"$tmp/dir/y.txt"
"$sanctag" tag --db "$db" "$tmp/feed.json" "$tmp/feed2.json.gz" >"$tmp/out" 2>"$tmp/err"
ids "json files" "$tmp/out" "a b c a b c"
notices "json files" "$tmp/err" 1
"$sanctag" tag --db "$db" -j 2 "$tmp/dir" >"$tmp/out" 2>"$tmp/err"
ids "directory" "$tmp/out" "a b c $tmp/dir/y.txt"
# --plain wins over the names, *.jsonl included
cp "$tmp/feed.json" "$tmp/feed.jsonl"
"$sanctag" tag --db "$db" --plain "$tmp/feed.jsonl" >"$tmp/out" 2>"$tmp/err"
ids "--plain feed.jsonl" "$tmp/out" "$tmp/feed.jsonl"
# a JSON array in a .json file: plain text, and the notice says how to convert
printf '[{"id":"a","text":"Korut"}]\n' >"$tmp/arr.json"
"$sanctag" tag --db "$db" "$tmp/arr.json" >"$tmp/out" 2>"$tmp/err"
ids "array json" "$tmp/out" "$tmp/arr.json"
grep -q "jq -c '.\[\]'" "$tmp/err" || bad "array json: no hint how to convert"

# show reads the same way: documents a, b, c from stdin and from a .json.gz
"$sanctag" show --db "$db" --color never <"$tmp/feed.json" >"$tmp/show" 2>"$tmp/err"
[ "$(grep -c '^# ' "$tmp/show")" = 3 ] || bad "show stdin: not three documents"
notices "show stdin" "$tmp/err" 1
"$sanctag" show --db "$db" --color never "$tmp/feed2.json.gz" >"$tmp/show2" 2>/dev/null
cmp -s "$tmp/show" "$tmp/show2" || bad "show of a .json.gz differs from stdin"
"$sanctag" show --db "$db" --color never --plain <"$tmp/feed.json" >"$tmp/show" 2>/dev/null
[ "$(grep -c '^# ' "$tmp/show")" = 1 ] || bad "show --plain: not one document"

t_done
