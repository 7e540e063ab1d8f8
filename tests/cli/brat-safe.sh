#!/usr/bin/env bash
# brat-safe.sh - `tag --format brat -o DIR` never loses a document and never
# follows a symbolic link; killed `-o` runs leave no temporary file behind for
# ever (issue 19 item 8).
#  - ids x-3, x, x: three documents, three pairs of files, whatever -j;
#  - the same export three times into one DIR: the same files (replaced);
#  - a symbolic link planted under an .ann/.txt name is replaced, its target
#    untouched; a directory under a .txt name makes the document take the
#    next free name;
#  - temporary files of killed runs (brat DIR, `-o FILE`) are removed by the
#    next run, those of a live process are not; no bogus "/dev/null" message.
#
# Usage: brat-safe.sh SANCTAG TESTS_DATA_DIR
# Exit status: 0 pass, 1 fail, 99 harness error.

set -u
. "$(dirname -- "$0")/../lib.sh" "$@"
[ $# -eq 2 ] || die "usage: brat-safe.sh SANCTAG TESTS_DATA_DIR"
db=$tmp/fixture.db
"$sanctag" gaz build "$db" "$2/fixture.tsv" 2>/dev/null || die "gaz build failed"

printf '%s\n' '{"id":"x-3","text":"Korut satu"}' '{"id":"x","text":"AS dua"}' \
  '{"id":"x","text":"Korea Utara tiga"}' >"$tmp/dup.jsonl"
# listing DIR: "name:content" of every .txt, in name order
listing() { (cd "$1" && for f in *.txt; do printf '%s:%s\n' "$f" "$(cat "$f")"; done); }
want='x-3-2.txt:Korea Utara tiga
x-3.txt:Korut satu
x.txt:AS dua'

for j in 1 3; do
  d=$tmp/out$j
  for run in 1 2 3; do
    "$sanctag" tag --db "$db" --format brat -j $j -o "$d" "$tmp/dup.jsonl" 2>"$tmp/err"
    st=$?
    [ $st = 0 ] || fail "-j $j run $run: exit $st: $(cat "$tmp/err")"
  done
  got=$(listing "$d")
  [ "$got" = "$want" ] || fail "-j $j: files after three runs:
$got
expected:
$want"
  [ "$(ls -A "$d" | wc -l)" = 6 ] || fail "-j $j: not six files: $(ls -A "$d")"
done

# planted links: replaced, the targets untouched
d=$tmp/out1
echo secret >"$tmp/target"
rm -f "$d/x.ann" "$d/x-3.txt"
ln -s "$tmp/target" "$d/x.ann"
ln -s "$tmp/target" "$d/x-3.txt"
"$sanctag" tag --db "$db" --format brat -o "$d" "$tmp/dup.jsonl" 2>"$tmp/err" ||
  fail "planted links: exit $?: $(cat "$tmp/err")"
[ "$(cat "$tmp/target")" = secret ] || fail "planted link followed: target now $(head -c 100 "$tmp/target")"
[ -L "$d/x.ann" ] || [ -L "$d/x-3.txt" ] && fail "planted links still there"
[ "$(listing "$d")" = "$want" ] || fail "planted links: files differ"

# a directory under a document's name: the next free name, nothing lost
d=$tmp/withdir
mkdir -p "$d/x.txt"
"$sanctag" tag --db "$db" --format brat -o "$d" "$tmp/dup.jsonl" 2>"$tmp/err"
st=$?
[ $st = 0 ] || fail "directory in the way: exit $st: $(cat "$tmp/err")"
[ "$(cat "$d/x-2.txt" 2>/dev/null)" = "AS dua" ] || fail "directory in the way: x-2.txt missing"
grep -q /dev/null "$tmp/err" && fail "a message names /dev/null: $(cat "$tmp/err")"

# stale temporary files: a dead process's are removed, a live one's kept
dead=$(sh -c 'echo $$')
d=$tmp/out3
: >"$d/.sanctag-brat.$dead.AbCdEf"
: >"$d/.sanctag-brat.$$.AbCdEf"
"$sanctag" tag --db "$db" --format brat -o "$d" "$tmp/dup.jsonl" 2>/dev/null
[ -e "$d/.sanctag-brat.$dead.AbCdEf" ] && fail "brat: a killed run's temporary file stayed"
[ -e "$d/.sanctag-brat.$$.AbCdEf" ] || fail "brat: a live process's temporary file was removed"

# -o FILE killed with SIGKILL while writing: its temporary file goes at the next run
mkfifo "$tmp/fifo"
"$sanctag" tag --db "$db" --jsonl -o "$tmp/out.jsonl" <"$tmp/fifo" 2>/dev/null &
pid=$!
exec 7>"$tmp/fifo"
echo '{"id":1,"text":"Korut"}' >&7
for _ in $(seq 50); do
  ls "$tmp"/out.jsonl.tmp.* >/dev/null 2>&1 && break
  sleep 0.1
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
exec 7>&-
ls "$tmp"/out.jsonl.tmp.* >/dev/null 2>&1 || fail "-o FILE: no temporary file while writing (test broken?)"
: >"$tmp/out.jsonl.tmp.$$.AbCdEf"
echo Korut | "$sanctag" tag --db "$db" -o "$tmp/out.jsonl" 2>"$tmp/err" || fail "-o FILE rerun: $(cat "$tmp/err")"
left=$(cd "$tmp" && ls out.jsonl.tmp.* 2>/dev/null | grep -v "\.$$\.")
[ -z "$left" ] || fail "-o FILE: the killed run's temporary file stayed: $left"
[ -e "$tmp/out.jsonl.tmp.$$.AbCdEf" ] || fail "-o FILE: a live process's temporary file was removed"
[ "$(wc -l <"$tmp/out.jsonl")" = 1 ] || fail "-o FILE rerun: output not written"

t_done
