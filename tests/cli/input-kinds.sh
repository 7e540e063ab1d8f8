#!/usr/bin/env bash
# input-kinds.sh - `sanctag show` and `sanctag cooccur` read what `tag` reads:
# gzip'd files and directories (through the shared input layer, src/cli/input.c),
# with the same result as the plain file, and the same result for any -j.
#
# Usage: input-kinds.sh SANCTAG TESTS_DATA_DIR
# Exit status: 0 pass, 1 fail, 99 harness error.

set -u
. "$(dirname -- "$0")/../lib.sh" "$@"

[ $# -eq 2 ] || die "usage: input-kinds.sh SANCTAG TESTS_DATA_DIR"
command -v gzip >/dev/null || die "gzip not found"

db=$tmp/fixture.db
"$sanctag" gaz build "$db" "$2/fixture.tsv" 2>"$tmp/build.err" || die "gaz build failed"

fail=0
same() { # same WHAT FILE_A FILE_B
  if ! cmp -s "$2" "$3"; then
    echo "FAIL: $1"; diff "$2" "$3" | head -10; fail=1
  fi
}

for i in 1 2 3 4 5 6 7; do
  printf '{"id":"d%s","date":"2024-0%s-01","text":"Korut dan AS bertemu di Seoul. Korea Utara lagi."}\n' "$i" "$i"
done >"$tmp/feed.jsonl"
printf 'not json\n' >>"$tmp/feed.jsonl"
mkdir -p "$tmp/dir/sub"
head -3 "$tmp/feed.jsonl" >"$tmp/dir/a.jsonl"
tail -n +4 "$tmp/feed.jsonl" | gzip >"$tmp/dir/sub/b.jsonl.gz"
gzip -c "$tmp/feed.jsonl" >"$tmp/feed.jsonl.gz"

# show: plain file, gzip'd file, directory; one and three workers
"$sanctag" show --db "$db" --jsonl --color never -j 1 "$tmp/feed.jsonl" >"$tmp/show.want" 2>/dev/null
[ -s "$tmp/show.want" ] || { echo "FAIL: show printed nothing"; fail=1; }
"$sanctag" show --db "$db" --jsonl --color never -j 3 "$tmp/feed.jsonl.gz" >"$tmp/show.gz" 2>/dev/null
same "show of a .gz" "$tmp/show.want" "$tmp/show.gz"
"$sanctag" show --db "$db" --color never -j 2 "$tmp/dir" >"$tmp/show.dir" 2>/dev/null
# the directory's error line has another position; the documents are the same
same "show of a directory" <(grep -v '^sanctag' "$tmp/show.want") <(grep -v '^sanctag' "$tmp/show.dir")
"$sanctag" show --db "$db" --jsonl --html -j 3 "$tmp/feed.jsonl.gz" >"$tmp/show.gz.html" 2>/dev/null
"$sanctag" show --db "$db" --jsonl --html -j 1 "$tmp/feed.jsonl" >"$tmp/show.html" 2>/dev/null
same "show --html of a .gz, -j 3" "$tmp/show.html" "$tmp/show.gz.html"

# cooccur: tagged input as .gz and in a directory, and --tag on a .gz
"$sanctag" tag --db "$db" --jsonl --keep date "$tmp/feed.jsonl" >"$tmp/tagged.jsonl" 2>/dev/null
mkdir -p "$tmp/tdir"
gzip -c "$tmp/tagged.jsonl" >"$tmp/tdir/tagged.jsonl.gz"
"$sanctag" cooccur -q -j 1 --by entity "$tmp/tagged.jsonl" >"$tmp/co.want" 2>/dev/null
grep -q . "$tmp/co.want" || { echo "FAIL: cooccur printed nothing"; fail=1; }
"$sanctag" cooccur -q -j 3 --by entity "$tmp/tdir/tagged.jsonl.gz" >"$tmp/co.gz" 2>/dev/null
same "cooccur of a .gz" "$tmp/co.want" "$tmp/co.gz"
"$sanctag" cooccur -q -j 2 --by entity "$tmp/tdir" >"$tmp/co.dir" 2>/dev/null
same "cooccur of a directory" "$tmp/co.want" "$tmp/co.dir"
"$sanctag" cooccur -q --tag --db "$db" -j 1 --by entity "$tmp/feed.jsonl" >"$tmp/cot.want" 2>/dev/null
"$sanctag" cooccur -q --tag --db "$db" -j 3 --by entity "$tmp/feed.jsonl.gz" >"$tmp/cot.gz" 2>/dev/null
same "cooccur --tag of a .gz, -j 3" "$tmp/cot.want" "$tmp/cot.gz"

[ $fail = 0 ] && echo "input-kinds: ok"
exit $fail
