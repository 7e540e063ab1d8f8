#!/bin/bash
# Streaming input of `sanctag tag`: -j N keeps input order and equals -j 1;
# directories, gzip'd JSONL and stdin read alike; --keep passes fields through;
# a long single line works; no progress line when stderr is not a terminal.
# Usage: feed.sh SANCTAG TESTS_DATA_DIR
set -euo pipefail
. "$(dirname -- "$0")/lib.sh" "$@"
data=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
"$sanctag" gaz build "$tmp/f.db" "$data/fixture.tsv" 2>/dev/null

# 3000 documents, some of them bad, with dates to keep
/usr/bin/python3 - "$tmp/feed.jsonl" <<'PY'
import json, sys
texts = ["Korut dan AS bertemu di Seoul.", "Dewan Keamanan PBB membahas Korea Utara.",
         "", "dolar AS naik", "Pyongyang menolak.\n\nKorea\nUtara"]
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        if i % 997 == 5:
            f.write('{"id": "broken", "text": \n')
            continue
        f.write(json.dumps({"id": f"d{i}", "date": f"2024-01-{i % 28 + 1:02d}",
                            "url": f"http://x/{i}", "text": texts[i % len(texts)] * (1 + i % 7)}) + "\n")
PY
set +e
"$sanctag" tag --db "$tmp/f.db" -j 1 "$tmp/feed.jsonl" > "$tmp/j1.out" 2>"$tmp/j1.err"; s1=$?
"$sanctag" tag --db "$tmp/f.db" -j 4 "$tmp/feed.jsonl" > "$tmp/j4.out" 2>"$tmp/j4.err"; s4=$?
set -e
[ "$s1" = 1 ] && [ "$s4" = 1 ] || fail "exit status $s1/$s4, expected 1 (documents with errors)"
cmp -s "$tmp/j1.out" "$tmp/j4.out" || fail "-j 4 output differs from -j 1"
cmp -s "$tmp/j1.err" "$tmp/j4.err" || fail "-j 4 messages differ from -j 1"
[ "$(wc -l < "$tmp/j1.out")" = 3000 ] || fail "expected 3000 output lines, got $(wc -l < "$tmp/j1.out")"
grep -q $'\r' "$tmp/j1.err" && fail "progress line written to a non-terminal"
# ids in input order
/usr/bin/python3 - "$tmp/feed.jsonl" "$tmp/j4.out" <<'PY' || fail "order or ids differ"
import json, sys
ins = []
for line in open(sys.argv[1]):
    try: ins.append(json.loads(line)["id"])
    except Exception: ins.append(None)
outs = [json.loads(l)["id"] for l in open(sys.argv[2])]
assert ins == outs, (len(ins), len(outs))
PY

# gzip, stdin and directories give the same records
# (error records name their input: normalise that before comparing)
gzip -c "$tmp/feed.jsonl" > "$tmp/feed.jsonl.gz"
"$sanctag" tag --db "$tmp/f.db" -j 2 "$tmp/feed.jsonl.gz" 2>/dev/null | sed "s|$tmp/feed.jsonl.gz|INPUT|g" > "$tmp/gz.out" || true
"$sanctag" tag --db "$tmp/f.db" --jsonl < "$tmp/feed.jsonl" 2>/dev/null | sed "s|<stdin>|INPUT|g" > "$tmp/stdin.out" || true
sed "s|$tmp/feed.jsonl|INPUT|g" "$tmp/j1.out" > "$tmp/j1.norm"
cmp -s "$tmp/j1.norm" "$tmp/gz.out" || fail "gzip'd input differs"
cmp -s "$tmp/j1.norm" "$tmp/stdin.out" || fail "stdin differs"
mkdir -p "$tmp/dir/sub"
printf 'Korut.' > "$tmp/dir/a.txt"; printf 'Seoul.' > "$tmp/dir/sub/b.txt"
printf 'ignored' > "$tmp/dir/notes.md"; cp "$tmp/feed.jsonl" "$tmp/dir/c.jsonl"
"$sanctag" tag --db "$tmp/f.db" "$tmp/dir" > "$tmp/dir.out" 2>/dev/null || true
[ "$(wc -l < "$tmp/dir.out")" = 3002 ] || fail "directory: expected 3002 records"
head -1 "$tmp/dir.out" | grep -q "\"id\":\"$tmp/dir/a.txt\"" || fail "directory: a.txt first"
sed -n 3002p "$tmp/dir.out" | grep -q "\"id\":\"$tmp/dir/sub/b.txt\"" || fail "directory: sub/b.txt last"

# --keep
"$sanctag" tag --db "$tmp/f.db" --keep date,url --keep missing "$tmp/feed.jsonl" > "$tmp/keep.out" 2>/dev/null || true
head -1 "$tmp/keep.out" | grep -q '^{"id":"d0","date":"2024-01-01","url":"http://x/0","offsets"' \
  || fail "--keep did not pass date and url through"

# one 5 MB line
/usr/bin/python3 -c 'import json; print(json.dumps({"id": "big", "text": "Korut dan AS. " * 400000}))' > "$tmp/big.jsonl"
n=$("$sanctag" tag --db "$tmp/f.db" "$tmp/big.jsonl" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["spans"]))')
[ "$n" = 800000 ] || fail "5 MB line: expected 800000 spans, got $n"
echo "feed.sh: all checks passed"
