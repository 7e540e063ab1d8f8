#!/bin/bash
# Faults around sanctag: read-only and missing databases, a database locked by
# a writer, a full disk, SIGINT mid-run, a broken pipe. Each gets a clear
# message and the documented exit status, and nothing half-written is left.
# Usage: faults.sh SANCTAG TESTS_DATA_DIR
set -uo pipefail
. "$(dirname -- "$0")/lib.sh" "$@"
data=$2
py=/usr/bin/python3
"$sanctag" gaz build "$tmp/f.db" "$data/fixture.tsv" 2>/dev/null || exit 99
echo 'Korut dan AS.' >"$tmp/a.txt"

# a read-only database still tags (nothing needs writing)
cp "$tmp/f.db" "$tmp/ro.db"; chmod 444 "$tmp/ro.db"
"$sanctag" tag --db "$tmp/ro.db" "$tmp/a.txt" >"$tmp/out" 2>"$tmp/err"; st=$?
[ $st = 0 ] && grep -q '"Korut"' "$tmp/out" || fail "read-only database: status $st: $(cat "$tmp/err")"
# ... in a read-only directory too
mkdir "$tmp/rodir"; cp "$tmp/f.db" "$tmp/rodir/"; chmod 555 "$tmp/rodir"
if [ "$(id -u)" != 0 ]; then
  "$sanctag" tag --db "$tmp/rodir/f.db" "$tmp/a.txt" >/dev/null 2>"$tmp/err" || fail "read-only dir: $(cat "$tmp/err")"
fi
chmod 755 "$tmp/rodir"

# a missing database: exit 3, the message names the path
"$sanctag" tag --db "$tmp/nope.db" "$tmp/a.txt" >"$tmp/out" 2>"$tmp/err"; st=$?
[ $st = 3 ] && grep -q "$tmp/nope.db" "$tmp/err" && [ ! -s "$tmp/out" ] || fail "missing database: status $st"
[ -e "$tmp/nope.db" ] && fail "missing database: an empty one was created"

# a database locked by a writer: readers wait up to the busy timeout, then
# fail clearly; once the writer commits, tagging works again
$py - "$tmp/f.db" "$tmp/locked" <<'PY' &
import sqlite3, sys, time, os
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
c.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")
open(sys.argv[2], "w").close()
time.sleep(8)
c.execute("ROLLBACK")
PY
locker=$!
for _ in $(seq 50); do [ -e "$tmp/locked" ] && break; sleep 0.1; done
start=$(date +%s)
"$sanctag" tag --db "$tmp/f.db" "$tmp/a.txt" >"$tmp/out" 2>"$tmp/err"; st=$?
if [ $st = 0 ]; then
  # the writer finished within the busy timeout: fine, as long as output is right
  grep -q '"Korut"' "$tmp/out" || fail "locked database: waited but output is wrong"
else
  [ $st = 3 ] && grep -qi "locked\|busy" "$tmp/err" || fail "locked database: status $st: $(cat "$tmp/err")"
fi
wait $locker
"$sanctag" tag --db "$tmp/f.db" "$tmp/a.txt" >/dev/null 2>&1 || fail "database unusable after the writer ended"

# disk full: standard output on /dev/full, and -o on a full file system
"$sanctag" tag --db "$tmp/f.db" "$tmp/a.txt" >/dev/full 2>"$tmp/err"; st=$?
[ $st = 3 ] && grep -q "write error" "$tmp/err" || fail "/dev/full: status $st: $(cat "$tmp/err")"
$py -c 'import json,sys
with open(sys.argv[1],"w") as f:
    for i in range(20000): f.write(json.dumps({"id": i, "text": "Korut dan AS bertemu. " * 20}) + "\n")' "$tmp/feed.jsonl"
if mkdir "$tmp/small" && mount -t tmpfs -o size=64k tmpfs "$tmp/small" 2>/dev/null; then
  "$sanctag" tag --db "$tmp/f.db" -o "$tmp/small/out.jsonl" "$tmp/feed.jsonl" 2>"$tmp/err"; st=$?
  left=$(ls -A "$tmp/small")
  umount "$tmp/small"
  [ $st = 3 ] && grep -q "write error" "$tmp/err" || fail "full tmpfs: status $st: $(cat "$tmp/err")"
  [ -z "$left" ] || fail "full tmpfs: left $left behind"
else
  echo "note: cannot mount a tmpfs here; /dev/full covers disk full" >&2
fi

# -o on what is no regular file is written directly, never replaced by a
# rename (as root, a rename over /dev/full or /dev/null would destroy it)
"$sanctag" tag --db "$tmp/f.db" -o /dev/full "$tmp/a.txt" 2>"$tmp/err"; st=$?
[ $st = 3 ] && grep -q "write error" "$tmp/err" || fail "-o /dev/full: status $st: $(cat "$tmp/err")"
[ -c /dev/full ] || fail "-o /dev/full replaced the device"
ls /dev/full.tmp* >/dev/null 2>&1 && fail "-o /dev/full left a temporary file in /dev"
mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/from-fifo" & reader=$!
"$sanctag" tag --db "$tmp/f.db" -o "$tmp/fifo" "$tmp/a.txt" 2>"$tmp/err" || fail "-o FIFO: $(cat "$tmp/err")"
wait $reader
[ -p "$tmp/fifo" ] || fail "-o FIFO: the FIFO was replaced"
grep -q '"spans"' "$tmp/from-fifo" || fail "-o FIFO: nothing came through"
# through a symbolic link the file it names is replaced; the link stays
echo old >"$tmp/target.jsonl"
ln -s target.jsonl "$tmp/link.jsonl"
"$sanctag" tag --db "$tmp/f.db" -o "$tmp/link.jsonl" "$tmp/a.txt" 2>"$tmp/err" || fail "-o link: $(cat "$tmp/err")"
[ -L "$tmp/link.jsonl" ] || fail "-o link: the link was replaced by a file"
grep -q '"spans"' "$tmp/target.jsonl" || fail "-o link: the target was not written"

# SIGINT mid-run: -o is not written; stdout ends with a complete record
$py -c 'import json,sys
with open(sys.argv[1],"w") as f:
    for i in range(3000000): f.write("{\"id\":%d,\"text\":\"Korut dan AS bertemu di Seoul.\"}\n" % i)' "$tmp/many.jsonl"
# The signal goes once output has started: sanctag handles SIGINT from just
# before it reads input, and a background job of this shell starts with SIGINT
# ignored; a fixed sleep was too short under valgrind, which then ran all 3M
# records to the end (status 0).
started() { # GLOB: waits until a file matching GLOB (unquoted) has data
  local i f
  for ((i = 0; i < 3000; i++)); do
    for f in $1; do [ -s "$f" ] && return 0; done
    sleep 0.1
  done
  return 1
}
"$sanctag" tag --db "$tmp/f.db" -j 2 -o "$tmp/int.jsonl" "$tmp/many.jsonl" 2>"$tmp/err" & p=$!
started "$tmp/int.jsonl.tmp*" || fail "SIGINT with -o: no output after 300 s"
kill -INT $p; wait $p; st=$?
[ $st = 130 ] || fail "SIGINT with -o: status $st"
ls "$tmp" | grep -q '^int.jsonl' && fail "SIGINT with -o: output or temporary file left"
grep -q "interrupted after" "$tmp/err" || fail "SIGINT: no message"
"$sanctag" tag --db "$tmp/f.db" -j 2 "$tmp/many.jsonl" >"$tmp/int.out" 2>/dev/null & p=$!
started "$tmp/int.out" || fail "SIGINT to stdout: no output after 300 s"
kill -INT $p; wait $p; st=$?
[ $st = 130 ] || fail "SIGINT to stdout: status $st"
[ -s "$tmp/int.out" ] && [ "$(tail -c 1 "$tmp/int.out" | od -An -c | tr -d ' ')" = '\n' ] || fail "SIGINT to stdout: last record incomplete"
tail -n 1 "$tmp/int.out" | $py -c 'import json,sys; json.loads(sys.stdin.read())' || fail "SIGINT: last line not JSON"

# broken pipe: quiet, whatever the inherited SIGPIPE disposition
"$sanctag" tag --db "$tmp/f.db" "$tmp/many.jsonl" 2>"$tmp/err" | head -1 >/dev/null
[ -s "$tmp/err" ] && fail "broken pipe: stderr: $(head -c 200 "$tmp/err")"

t_done
